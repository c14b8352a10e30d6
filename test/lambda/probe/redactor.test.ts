import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor } from '../../../lambda/probe/redactor.ts';

const SECRET = 'tok+en/with "quotes" & ü';

describe('Redactor: secrets are masked by value, in every form a vendor may echo them', () => {
  const redactor = new Redactor([SECRET, 'second-secret']);

  it.each([
    ['raw', `Bearer ${SECRET}`],
    ['URL-encoded', `https://api.example.com/x?token=${encodeURIComponent(SECRET)}`],
    ['JSON-escaped', JSON.stringify({ echoed: SECRET })],
    ['base64 (Basic auth)', `Basic ${Buffer.from(SECRET).toString('base64')}`],
  ])('%s', (_form, text) => {
    const masked = redactor.text(text);

    expect(masked).toContain(REDACTED);
    expect(masked).not.toContain(SECRET);
    expect(masked).not.toContain(encodeURIComponent(SECRET));
    expect(masked).not.toContain(JSON.stringify(SECRET).slice(1, -1));
  });

  it('masks credential headers by name whatever their value, and others by value', () => {
    const headers = redactor.headers({
      authorization: 'anything',
      cookie: 'a=b',
      'x-echo': 'second-secret',
      date: 'today',
    });

    expect(headers).toEqual({ authorization: REDACTED, cookie: REDACTED, 'x-echo': REDACTED, date: 'today' });
  });

  it('masks a secret that contains another one whole', () => {
    expect(new Redactor(['abc', 'abcdef']).text('xabcdefx')).toBe(`x${REDACTED}x`);
  });

  it('leaves text alone when there are no secrets', () => {
    expect(new Redactor([]).text('nothing to hide')).toBe('nothing to hide');
  });
});
