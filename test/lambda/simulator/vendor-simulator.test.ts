import { once } from 'node:events';
import http from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type SimulatedVendor,
  type SimulatorMode,
  type SimulatorOptions,
  startSimulator,
  type VendorSimulator,
} from '../../../lambda/simulator/vendor-simulator.ts';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', reject);
  });
}

/** What a failed request reports: its error code, or the answer's status when there was one. */
async function outcome(request: Promise<Answer>): Promise<string | number> {
  return request.then(
    (answer) => answer.status,
    (error: NodeJS.ErrnoException) => error.code ?? error.message,
  );
}

const json = <T>(answer: Answer): T => JSON.parse(answer.body) as T;

interface Summary {
  page: { id: string; name: string; url: string; time_zone: string; updated_at: string };
  status: { indicator: string; description: string };
  components: { id: string; name: string; status: string }[];
  incidents: {
    name: string;
    status: string;
    impact: string;
    shortlink: string;
    incident_updates: unknown[];
  }[];
  scheduled_maintenances: unknown[];
}

const VENDORS: SimulatedVendor[] = [
  { id: 'miro', kind: 'miro', credential: 'miro-token-secret' },
  { id: 'ideogram', kind: 'ideogram', credential: 'ideogram-key-secret' },
  { id: 'billing', kind: 'generic', credential: 'billing-key-secret' },
  { id: 'open', kind: 'generic' },
];
type VendorId = 'miro' | 'ideogram' | 'billing' | 'open';

const AUTH: Record<VendorId, Record<string, string>> = {
  miro: { authorization: 'Bearer miro-token-secret' },
  ideogram: { 'api-key': 'ideogram-key-secret' },
  billing: { 'x-api-key': 'billing-key-secret' },
  open: {},
};

const PROBE_PATH: Record<VendorId, string> = {
  miro: '/v2/boards?limit=1',
  ideogram: '/v2/account/usage',
  billing: '/v1/ping',
  open: '/v1/ping',
};

/** Each test that needs its own server (closing it, spying on it) starts one; this closes them all. */
const started: VendorSimulator[] = [];
async function simulator(options: SimulatorOptions): Promise<VendorSimulator> {
  const sim = await startSimulator(options);
  started.push(sim);
  return sim;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((sim) => sim.close()));
  vi.restoreAllMocks();
});

describe('vendor simulator', () => {
  let sim: VendorSimulator;
  const callApi = (id: VendorId, headers = AUTH[id]) => get(sim.apiBaseUrl(id) + PROBE_PATH[id], headers);
  const statusPage = (id: VendorId) => get(`${sim.statusPageUrl(id)}/api/v2/summary.json`);

  beforeAll(async () => {
    sim = await startSimulator({ vendors: VENDORS, slowMs: 150, hugeBytes: 200_000 });
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    for (const { id } of VENDORS) sim.setMode(id, 'healthy');
  });

  describe('addresses', () => {
    it('binds 127.0.0.1 and roots every surface under the vendor id', () => {
      expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(sim.statusPageUrl('miro')).toBe(`${sim.url}/miro/status`);
      expect(sim.apiBaseUrl('miro')).toBe(`${sim.url}/miro/api`);
      expect(sim.appHealthUrl()).toBe(`${sim.url}/app/health`);
    });

    it('answers unknown paths with a 404 JSON body', async () => {
      for (const path of ['/nope', '/unknown-vendor/api/v1/ping', '/miro/status/api/v2/other.json']) {
        const answer = await get(sim.url + path);
        expect(answer.status).toBe(404);
        expect(json(answer)).toMatchObject({ error: 'Not found' });
      }
    });

    it('answers an unknown API route in the vendor’s own error format', async () => {
      const answer = await get(`${sim.apiBaseUrl('miro')}/v9/nothing`, AUTH.miro);
      expect(answer.status).toBe(404);
      expect(json(answer)).toMatchObject({ status: 404, code: 'notFound', type: 'error' });
      expect(answer.headers['x-ratelimit-limit']).toBe('100000');
    });
  });

  describe('healthy vendors', () => {
    it('serve a green Statuspage summary', async () => {
      const answer = await statusPage('miro');
      expect(answer.status).toBe(200);
      const summary = json<Summary>(answer);
      expect(summary).toMatchObject({
        page: { id: 'miro', name: 'Miro', url: sim.statusPageUrl('miro'), time_zone: 'Etc/UTC' },
        status: { indicator: 'none', description: 'All Systems Operational' },
        incidents: [],
        scheduled_maintenances: [],
      });
      expect(summary.components.length).toBeGreaterThan(0);
      expect(summary.components.every((component) => component.status === 'operational')).toBe(true);
    });

    it('list Miro boards with the rate-limit budget on the answer', async () => {
      const before = Math.floor(Date.now() / 1000);
      const answer = await callApi('miro');
      expect(answer.status).toBe(200);
      expect(json(answer)).toMatchObject({
        data: [{ type: 'board' }],
        total: 1,
        size: 1,
        limit: 1,
        type: 'list',
      });
      expect(answer.headers['x-ratelimit-limit']).toBe('100000');
      expect(Number(answer.headers['x-ratelimit-remaining'])).toBeGreaterThan(90_000);
      const reset = Number(answer.headers['x-ratelimit-reset']);
      expect(reset % 60).toBe(0);
      expect(reset).toBeGreaterThan(before);
      expect(reset).toBeLessThanOrEqual(before + 61);
    });

    it('introspect the Miro token with its scopes and team', async () => {
      const answer = await get(`${sim.apiBaseUrl('miro')}/v1/oauth-token`, AUTH.miro);
      expect(answer.status).toBe(200);
      expect(json(answer)).toMatchObject({
        type: 'oauth_token',
        scopes: ['boards:read', 'boards:write', 'identity:read', 'team:read'],
        team: { id: expect.any(String), name: expect.any(String) },
        user: { id: expect.any(String) },
      });
    });

    it('read Ideogram usage and ping a generic API, with no rate-limit headers', async () => {
      const usage = await callApi('ideogram');
      expect(usage.status).toBe(200);
      expect(json(usage)).toMatchObject({ buckets: [{ line_items: [] }] });
      const ping = await callApi('open');
      expect(json(ping)).toEqual({ ok: true });
      expect(usage.headers['x-ratelimit-limit']).toBeUndefined();
      expect(ping.headers['x-ratelimit-limit']).toBeUndefined();
    });

    it('report ok in the app health endpoint, one entry per vendor', async () => {
      const answer = await get(sim.appHealthUrl());
      expect(answer.status).toBe(200);
      expect(json(answer)).toEqual({
        status: 'ok',
        miro: { status: 'ok' },
        ideogram: { status: 'ok' },
        billing: { status: 'ok' },
        open: { status: 'ok' },
      });
    });
  });

  describe('credentials', () => {
    it.each<{ id: VendorId; headers: Record<string, string>; body: object }>([
      { id: 'miro', headers: {}, body: { status: 401, code: 'tokenNotProvided', type: 'error' } },
      { id: 'miro', headers: { authorization: 'Bearer wrong' }, body: { status: 401, code: 'unauthorized' } },
      { id: 'miro', headers: { authorization: 'miro-token-secret' }, body: { code: 'unauthorized' } },
      {
        id: 'ideogram',
        headers: { authorization: 'Bearer ideogram-key-secret' },
        body: { error: 'Unauthorized' },
      },
      { id: 'billing', headers: { 'x-api-key': 'wrong' }, body: { error: 'Unauthorized' } },
    ])('rejects $id with $headers: 401', async ({ id, headers, body }) => {
      const answer = await callApi(id, headers);
      expect(answer.status).toBe(401);
      expect(json(answer)).toMatchObject(body);
    });

    it('puts the rate-limit budget on Miro’s 401 too', async () => {
      const answer = await callApi('miro', {});
      expect(answer.headers['x-ratelimit-remaining']).toBeDefined();
    });

    it('accepts a generic credential as a bearer token or an X-Api-Key', async () => {
      expect((await callApi('billing', { authorization: 'Bearer billing-key-secret' })).status).toBe(200);
      expect((await callApi('billing', { 'x-api-key': 'billing-key-secret' })).status).toBe(200);
    });

    it('checks nothing when no credential is configured', async () => {
      expect((await callApi('open', {})).status).toBe(200);
    });

    it('records every request with the headers it carried', async () => {
      await callApi('miro');
      expect(sim.requests.at(-1)).toMatchObject({
        vendor: 'miro',
        method: 'GET',
        path: '/miro/api/v2/boards?limit=1',
        headers: { authorization: 'Bearer miro-token-secret' },
      });
      await get(sim.appHealthUrl());
      expect(sim.requests.at(-1)).toMatchObject({ vendor: 'app', path: '/app/health' });
    });
  });

  describe('API failure modes', () => {
    const budget = (remaining: string) => ({
      'x-ratelimit-limit': '100000',
      'x-ratelimit-remaining': remaining,
    });
    const insufficientFunds = { error: 'Insufficient funds', reject_reason: 'insufficient_funds' };
    it.each<{ mode: SimulatorMode; id: VendorId; status: number; body?: object; headers?: object }>([
      {
        mode: 'outage',
        id: 'miro',
        status: 503,
        body: { status: 503, code: 'serviceUnavailable', context: null },
      },
      { mode: 'outage', id: 'ideogram', status: 503, body: { error: expect.any(String) } },
      { mode: 'errors', id: 'miro', status: 500, body: { code: 'internalError', type: 'error' } },
      { mode: 'errors', id: 'billing', status: 500, body: { error: expect.any(String) } },
      {
        mode: 'rate_limited',
        id: 'miro',
        status: 429,
        body: { code: 'tooManyRequests' },
        headers: { 'retry-after': '30', ...budget('0') },
      },
      {
        mode: 'rate_limited',
        id: 'ideogram',
        status: 429,
        body: { reject_reason: 'rate_limited' },
        headers: { 'retry-after': '30', ...budget('0') },
      },
      { mode: 'rate_limited', id: 'open', status: 429, headers: { 'retry-after': '30', ...budget('0') } },
      { mode: 'low_remaining', id: 'miro', status: 200, headers: budget('5000') },
      { mode: 'low_remaining', id: 'ideogram', status: 200, headers: budget('5000') },
      { mode: 'low_remaining', id: 'open', status: 200, headers: budget('5000') },
      {
        mode: 'unauthorized',
        id: 'miro',
        status: 401,
        body: { code: 'tokenExpired', message: 'The access token has expired' },
      },
      { mode: 'unauthorized', id: 'ideogram', status: 401, body: { error: expect.any(String) } },
      { mode: 'forbidden', id: 'miro', status: 403, body: { status: 403, code: 'insufficientPermissions' } },
      { mode: 'not_found', id: 'miro', status: 404, body: { status: 404, code: 'notFound' } },
      { mode: 'quota', id: 'miro', status: 402, body: insufficientFunds },
      { mode: 'quota', id: 'ideogram', status: 402, body: insufficientFunds },
      { mode: 'quota', id: 'open', status: 402, body: insufficientFunds },
    ])('$mode on $id: HTTP $status', async ({ mode, id, status, body, headers }) => {
      sim.setMode(id, mode);
      const answer = await callApi(id);
      expect(answer.status).toBe(status);
      expect(answer.headers['content-type']).toBe('application/json');
      if (body) expect(json(answer)).toMatchObject(body);
      if (headers) expect(answer.headers).toMatchObject(headers);
    });

    it('unauthorized: token introspection is rejected too', async () => {
      sim.setMode('miro', 'unauthorized');
      const answer = await get(`${sim.apiBaseUrl('miro')}/v1/oauth-token`, AUTH.miro);
      expect(answer.status).toBe(401);
      expect(json(answer)).toMatchObject({ code: 'tokenExpired' });
    });

    it('forbidden: introspection answers, showing the token lacks boards:read', async () => {
      sim.setMode('miro', 'forbidden');
      const answer = await get(`${sim.apiBaseUrl('miro')}/v1/oauth-token`, AUTH.miro);
      expect(answer.status).toBe(200);
      const { scopes } = json<{ scopes: string[] }>(answer);
      expect(scopes.length).toBeGreaterThan(0);
      expect(scopes).not.toContain('boards:read');
    });

    it('garbage: 200 labelled JSON that does not parse', async () => {
      sim.setMode('miro', 'garbage');
      const answer = await callApi('miro');
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe('application/json');
      expect(() => JSON.parse(answer.body)).toThrow();
    });

    it('echo: a 500 whose body and X-Echo header repeat every request header, credential included', async () => {
      sim.setMode('miro', 'echo');
      const answer = await callApi('miro', { ...AUTH.miro, 'X-Trace-Id': 'trace-42' });
      expect(answer.status).toBe(500);
      const { message } = json<{ message: string }>(answer);
      for (const echoed of [answer.headers['x-echo'], message]) {
        expect(echoed).toContain('authorization: Bearer miro-token-secret');
        expect(echoed).toContain('X-Trace-Id: trace-42');
      }
    });

    it('slow: answers correctly, after slowMs', async () => {
      sim.setMode('miro', 'slow');
      const started = performance.now();
      const answer = await callApi('miro');
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
      expect(answer.status).toBe(200);
    });

    it('flapping: fails and recovers on alternate requests, from the moment it is set', async () => {
      sim.setMode('open', 'flapping');
      const statuses = [];
      for (let request = 0; request < 4; request += 1) statuses.push((await callApi('open')).status);
      expect(statuses).toEqual([503, 200, 503, 200]);
      sim.setMode('open', 'flapping');
      expect((await callApi('open')).status).toBe(503);
    });

    it('reset: drops the connection without an answer', async () => {
      sim.setMode('miro', 'reset');
      expect(await outcome(callApi('miro'))).toBe('ECONNRESET');
    });

    it('huge: streams exactly hugeBytes', async () => {
      sim.setMode('miro', 'huge');
      const answer = await callApi('miro');
      expect(answer.status).toBe(200);
      expect(answer.headers['content-length']).toBe('200000');
      expect(Buffer.byteLength(answer.body)).toBe(200_000);
      expect(answer.headers['x-ratelimit-limit']).toBe('100000');
    });
  });

  describe('status page and app health modes', () => {
    it('outage: major indicator, a component in major_outage, an unresolved incident with a shortlink', async () => {
      sim.setMode('miro', 'outage');
      const summary = json<Summary>(await statusPage('miro'));
      expect(summary.status.indicator).toBe('major');
      expect(summary.components.map((component) => component.status)).toContain('major_outage');
      expect(summary.incidents).toEqual([
        expect.objectContaining({
          name: 'Elevated API error rates',
          status: 'investigating',
          impact: 'major',
          shortlink: expect.stringMatching(/^http/),
          incident_updates: [expect.objectContaining({ status: 'investigating' })],
        }),
      ]);
    });

    it('errors: the status page stays green while the API fails', async () => {
      sim.setMode('miro', 'errors');
      expect(json<Summary>(await statusPage('miro')).status.indicator).toBe('none');
      expect((await callApi('miro')).status).toBe(500);
    });

    it('status_minor: minor indicator, a degraded component, a healthy API', async () => {
      sim.setMode('ideogram', 'status_minor');
      const summary = json<Summary>(await statusPage('ideogram'));
      expect(summary.status.indicator).toBe('minor');
      expect(summary.components.map((component) => component.status)).toContain('degraded_performance');
      expect((await callApi('ideogram')).status).toBe(200);
    });

    it('status_down: the status page answers 503 HTML, the API stays healthy', async () => {
      sim.setMode('miro', 'status_down');
      const page = await statusPage('miro');
      expect(page.status).toBe(503);
      expect(page.headers['content-type']).toBe('text/html');
      expect((await callApi('miro')).status).toBe(200);
    });

    it('app_unhealthy: only that vendor’s app health entry goes down', async () => {
      sim.setMode('miro', 'app_unhealthy');
      const answer = await get(sim.appHealthUrl());
      expect(answer.status).toBe(200);
      expect(json(answer)).toMatchObject({
        status: 'degraded',
        miro: { status: 'down', error: 'upstream timeouts' },
        ideogram: { status: 'ok' },
      });
      expect((await callApi('miro')).status).toBe(200);
      expect(json<Summary>(await statusPage('miro')).status.indicator).toBe('none');
    });
  });

  describe('mode control', () => {
    it('reads back the mode it was set to', () => {
      sim.setMode('ideogram', 'quota');
      expect(sim.mode('ideogram')).toBe('quota');
    });

    it('throws on an unknown vendor or mode', () => {
      expect(() => sim.setMode('nobody', 'outage')).toThrow(/unknown vendor "nobody"/);
      expect(() => sim.mode('nobody')).toThrow(/unknown vendor/);
      expect(() => sim.setMode('miro', 'sideways' as SimulatorMode)).toThrow(/unknown simulator mode/);
    });
  });
});

describe('transient mode', () => {
  async function statuses(options: Omit<SimulatorOptions, 'vendors'>, requests = 40): Promise<number[]> {
    const sim = await simulator({ ...options, vendors: [{ id: 'api', kind: 'generic', mode: 'transient' }] });
    const seen: number[] = [];
    for (let request = 0; request < requests; request += 1) {
      seen.push((await get(`${sim.apiBaseUrl('api')}/v1/ping`)).status);
    }
    return seen;
  }

  it('fails the same requests for the same seed, and other requests for another seed', async () => {
    const first = await statuses({ seed: 7 });
    expect(await statuses({ seed: 7 })).toEqual(first);
    expect(await statuses({ seed: 8 })).not.toEqual(first);
    expect(first).toContain(503);
    expect(first).toContain(200);
  });

  it('fails about transientFailureRate of requests', async () => {
    expect(await statuses({ transientFailureRate: 0 }, 10)).not.toContain(503);
    expect(await statuses({ transientFailureRate: 1 }, 10)).not.toContain(200);
    const failures = (await statuses({ transientFailureRate: 0.5 }, 100)).filter((status) => status === 503);
    expect(failures.length).toBeGreaterThan(30);
    expect(failures.length).toBeLessThan(70);
  });
});

describe('connections that never finish', () => {
  it('hang: no answer within 300 ms, and close() still returns promptly', async () => {
    const sim = await simulator({ vendors: [{ id: 'api', kind: 'generic', mode: 'hang' }] });
    const request = outcome(get(`${sim.apiBaseUrl('api')}/v1/ping`));
    expect(await Promise.race([request, delay(300, 'silent')])).toBe('silent');

    const closing = performance.now();
    await sim.close();
    expect(performance.now() - closing).toBeLessThan(500);
    expect(await request).toBe('ECONNRESET');
  });

  it('huge: a client leaving after 1 MB of 50 MB stops the server writing', async () => {
    const sim = await simulator({ vendors: [{ id: 'api', kind: 'generic', mode: 'huge' }] });
    // Counted on the server's side: bytes written after the client left would be work for nobody.
    const writes = vi.spyOn(http.ServerResponse.prototype, 'write');
    const written = () =>
      writes.mock.calls.reduce(
        (bytes, [chunk]) => bytes + (chunk instanceof Uint8Array ? chunk.byteLength : 0),
        0,
      );

    const req = http.get(`${sim.apiBaseUrl('api')}/v1/ping`, { agent: false }, (res) => {
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received >= 1024 * 1024) req.destroy();
      });
    });
    req.on('error', () => {}); // destroying our own request is the point
    await once(req, 'close');

    // Let the last in-flight chunks land, then the count must stop growing far short of 50 MB.
    let settled = -1;
    while (settled !== written()) {
      settled = written();
      await delay(50);
    }
    expect(settled).toBeGreaterThanOrEqual(1024 * 1024);
    expect(settled).toBeLessThan(16 * 1024 * 1024);
  });

  it('close() returns promptly while a body is streaming to a reader that stopped reading', async () => {
    const sim = await simulator({ vendors: [{ id: 'api', kind: 'generic', mode: 'huge' }] });
    const req = http.get(`${sim.apiBaseUrl('api')}/v1/ping`, { agent: false }, (res) => res.pause());
    req.on('error', () => {});
    await once(req, 'response');

    const closing = performance.now();
    await sim.close();
    expect(performance.now() - closing).toBeLessThan(500);
  });
});

describe('configuration', () => {
  it.each<{ problem: string; ids: string[]; message: RegExp }>([
    { problem: 'a duplicate id', ids: ['a', 'a'], message: /duplicate vendor id "a"/ },
    { problem: 'the app health path', ids: ['app'], message: /taken by the app health endpoint/ },
    { problem: 'the app health status key', ids: ['status'], message: /taken by the app health endpoint/ },
    { problem: 'an id that is not one path segment', ids: ['a/b'], message: /single URL path segment/ },
  ])('rejects $problem', async ({ ids, message }) => {
    const vendors = ids.map((id): SimulatedVendor => ({ id, kind: 'generic' }));
    await expect(startSimulator({ vendors })).rejects.toThrow(message);
  });
});
