export const REDACTED = '[REDACTED]';

/** Headers whose values are credentials whatever they contain. */
const SENSITIVE_HEADER =
  /^(authorization|proxy-authorization|cookie|set-cookie|api-key|x-api-key|x-auth-token|x-amz-security-token)$/i;

export const isSensitiveHeader = (name: string): boolean => SENSITIVE_HEADER.test(name);

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Hex digits that match either case: encoders differ. */
const hex = (value: number, width: number): string =>
  value
    .toString(16)
    .padStart(width, '0')
    .replace(/[a-f]/g, (digit) => `[${digit}${digit.toUpperCase()}]`);

/**
 * Every way one character of a secret is spelt when a vendor echoes it: as is, percent-encoded by any
 * encoder (encodeURIComponent, WHATWG URLs, forms with `+` for a space), or JSON-escaped (`\"`,
 * `\\`, `\/`, `\u00fc`). Each spelling has a fixed length, so matching stays linear.
 */
function characterForms(char: string): string {
  const codeUnits = Array.from({ length: char.length }, (_, index) => char.charCodeAt(index));
  const forms = [
    escapeRegExp(char),
    [...Buffer.from(char)].map((byte) => `%${hex(byte, 2)}`).join(''),
    codeUnits.map((unit) => `\\\\u${hex(unit, 4)}`).join(''),
  ];
  if (char === ' ') forms.push('\\+');
  if (char === '"' || char === '\\' || char === '/') forms.push(`\\\\${escapeRegExp(char)}`);
  return `(?:${forms.join('|')})`;
}

/** A secret in any mix of those spellings, JSON-escaped twice (JSON in JSON), or base64-encoded (Basic auth). */
function secretPattern(secret: string): string {
  const spelt = [...secret].map(characterForms).join('');
  const escapedTwice = JSON.stringify(JSON.stringify(secret).slice(1, -1)).slice(1, -1);
  return [spelt, escapedTwice, Buffer.from(secret).toString('base64')]
    .map((form, index) => (index === 0 ? form : escapeRegExp(form)))
    .join('|');
}

/**
 * Masks every resolved secret wherever it appears (URLs, headers, bodies, error messages), and
 * credential headers by name. Built once per cycle from the values actually in use.
 */
export class Redactor {
  private readonly pattern: RegExp | null;

  constructor(secrets: readonly string[]) {
    const all = [...new Set(secrets.filter((secret) => secret.length > 0))];
    // Longest first, so a secret that contains another is masked whole.
    all.sort((a, b) => b.length - a.length);
    this.pattern = all.length > 0 ? new RegExp(all.map(secretPattern).join('|'), 'g') : null;
  }

  text(value: string): string {
    return this.pattern ? value.replace(this.pattern, REDACTED) : value;
  }

  headers(headers: Record<string, string>): Record<string, string> {
    return Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [
        name,
        isSensitiveHeader(name) ? REDACTED : this.text(value),
      ]),
    );
  }
}
