import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Config, ConfigError, loadConfig, parseConfig } from '../../../lambda/config/load-config.ts';
import { joinUrl, statusPageSummaryUrl, type VendorConfig } from '../../../lambda/config/profiles.ts';

type Json = null | boolean | number | string | Json[] | JsonObject;
type JsonObject = { [key: string]: Json };

/** The configuration example in DESIGN.md, verbatim. */
const DESIGN_EXAMPLE: JsonObject = {
  vendors: [
    {
      id: 'miro',
      profile: 'miro',
      auth: { token: { env: 'MIRO_ACCESS_TOKEN' } },
      requiredScopes: ['boards:read'],
      appHealth: { url: 'https://app.example.com/health', statusPath: 'miro.status' },
    },
    {
      id: 'ideogram',
      profile: 'ideogram',
      auth: { apiKey: { secret: 'vendorwatch/ideogram', field: 'apiKey' } },
    },
    {
      id: 'billing',
      profile: 'generic',
      statusPage: 'https://status.example.com',
      api: { method: 'GET', url: 'https://api.example.com/v1/ping', expectStatus: [200] },
    },
  ],
  schedule: { everyMinutes: 1 },
  policy: { openAfter: 2, resolveAfter: 3, latencyMsDegraded: 2000 },
  notify: { pagerEmails: ['oncall@example.com'], statusPageEmails: [] },
};

const SECRET = 'sk-live-123';

const parse = (document: Json): Config =>
  parseConfig(JSON.stringify(document, null, 2), 'vendorwatch.config.json');

/** The ConfigError a document is rejected with; fails the test if it is accepted or fails otherwise. */
function rejection(parseIt: () => unknown): ConfigError {
  try {
    parseIt();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}

const vendorsOnly = (...vendors: Json[]): Json => ({ vendors });
const onlyVendor = (vendor: Json): VendorConfig => parse(vendorsOnly(vendor)).vendors[0]!;

describe('parseConfig: the DESIGN.md example', () => {
  it('parses, fills the policy defaults and keeps the notify lists', () => {
    const config = parse(DESIGN_EXAMPLE);

    expect(config.vendors.map((vendor) => vendor.id)).toEqual(['miro', 'ideogram', 'billing']);
    expect(config.schedule).toEqual({ everyMinutes: 1 });
    expect(config.policy).toEqual({
      openAfter: 2,
      resolveAfter: 3,
      identifyAfter: 2,
      latencyMsDegraded: 2000,
      reminderMinutes: 30,
    });
    expect(config.notify).toEqual({ pager: [{ email: 'oncall@example.com' }], statusPage: [] });
    expect(config.storage).toEqual({ resultsRetentionDays: 90 });
  });

  it('resolves each vendor through its profile', () => {
    const [miro, ideogram, billing] = parse(DESIGN_EXAMPLE).vendors;

    expect(miro).toMatchObject({
      name: 'Miro',
      statusPageUrl: 'https://status.miro.com/api/v2/summary.json',
      api: { method: 'GET', url: 'https://api.miro.com/v2/boards?limit=1', expectStatus: [200] },
      tokenUrl: 'https://api.miro.com/v1/oauth-token',
      requiredScopes: ['boards:read'],
      auth: {
        header: 'Authorization',
        prefix: 'Bearer ',
        kind: 'token',
        secret: { env: 'MIRO_ACCESS_TOKEN' },
      },
      appHealth: { url: 'https://app.example.com/health', statusPath: 'miro.status' },
    });
    expect(ideogram).toMatchObject({
      name: 'Ideogram',
      auth: {
        header: 'Api-Key',
        prefix: '',
        kind: 'apiKey',
        secret: { secret: 'vendorwatch/ideogram', field: 'apiKey' },
      },
    });
    expect(billing).toMatchObject({
      name: 'billing',
      statusPageUrl: 'https://status.example.com/api/v2/summary.json',
      api: { method: 'GET', url: 'https://api.example.com/v1/ping', expectStatus: [200] },
      auth: null,
      tokenUrl: null,
    });
  });

  it('loads the example files shipped in examples/', () => {
    for (const name of ['vendorwatch.config.json', 'aws.config.json']) {
      const file = fileURLToPath(new URL(`../../../examples/${name}`, import.meta.url));

      expect(loadConfig(file).vendors.length).toBeGreaterThan(0);
    }
  });
});

describe('parseConfig: every problem at once, each with its JSON path', () => {
  it('reports an unknown key, an unknown profile, a duplicate id, a bad URL and a literal secret together', () => {
    const document = vendorsOnly(
      { id: 'miro', profile: 'miro', foo: 1 },
      { id: 'design', profile: 'figma', statusPage: 'https://status.figma.com' },
      { id: 'miro', profile: 'miro' },
      { id: 'billing', profile: 'generic', statusPage: 'status.example.com' },
      { id: 'ideogram', profile: 'ideogram', auth: { token: SECRET } },
    );

    const error = rejection(() => parse(document));

    expect(error.issues).toHaveLength(5);
    expect(error.issues).toEqual(
      expect.arrayContaining([
        { path: 'vendors[0].foo', message: 'unknown key' },
        { path: 'vendors[1].profile', message: 'must be one of miro, ideogram, generic' },
        { path: 'vendors[2].id', message: 'duplicate id "miro" (also vendors[0])' },
        { path: 'vendors[3].statusPage', message: 'must be an http(s) URL' },
        { path: 'vendors[4].auth.token', message: expect.stringContaining('must be a secret reference') },
      ]),
    );
    expect(error.message).toContain('vendorwatch.config.json: 5 problems');
    expect(error.message).not.toContain(SECRET);
  });

  it.each<[string, Json, string, string | RegExp]>([
    ['an unknown top-level key', { ...DESIGN_EXAMPLE, polcy: {} }, 'polcy', 'unknown key'],
    [
      'an unknown key in a nested object',
      vendorsOnly({ id: 'x', profile: 'miro', api: { pth: '/v2' } }),
      'vendors[0].api.pth',
      'unknown key',
    ],
    [
      'an unknown profile',
      vendorsOnly({ id: 'x', profile: 'slack' }),
      'vendors[0].profile',
      /one of miro, ideogram, generic/,
    ],
    [
      'a duplicate id',
      vendorsOnly({ id: 'x', profile: 'miro' }, { id: 'x', profile: 'ideogram' }),
      'vendors[1].id',
      /duplicate id "x"/,
    ],
    [
      'an id that is no file or key name',
      vendorsOnly({ id: 'Miro Prod', profile: 'miro' }),
      'vendors[0].id',
      /lowercase/,
    ],
    [
      'a URL that is not http(s)',
      vendorsOnly({ id: 'x', profile: 'miro', apiBase: 'ftp://api.example.com' }),
      'vendors[0].apiBase',
      'must be an http(s) URL',
    ],
    [
      'a relative URL',
      vendorsOnly({ id: 'x', profile: 'miro', appHealth: { url: '/health' } }),
      'vendors[0].appHealth.url',
      'must be an http(s) URL',
    ],
    [
      'a literal API key',
      vendorsOnly({ id: 'x', profile: 'ideogram', auth: { apiKey: SECRET } }),
      'vendors[0].auth.apiKey',
      /secret reference/,
    ],
    [
      'both token and apiKey',
      vendorsOnly({ id: 'x', profile: 'miro', auth: { token: { env: 'A' }, apiKey: { env: 'B' } } }),
      'vendors[0].auth',
      /exactly one/,
    ],
    [
      'both api.path and api.url',
      vendorsOnly({ id: 'x', profile: 'miro', api: { path: '/a', url: 'https://h/a' } }),
      'vendors[0].api',
      /either path or url/,
    ],
    [
      'api.path without a base to join it to',
      vendorsOnly({ id: 'x', profile: 'generic', api: { path: '/ping' } }),
      'vendors[0].api.path',
      /needs apiBase/,
    ],
    [
      'a generic vendor with nothing to probe',
      vendorsOnly({ id: 'x', profile: 'generic' }),
      'vendors[0]',
      /nothing to probe/,
    ],
    ['no vendors', { vendors: [] }, 'vendors', 'configure at least one vendor'],
    ['an out-of-range policy', { ...DESIGN_EXAMPLE, policy: { openAfter: 0 } }, 'policy.openAfter', /./],
    [
      'an email that is not one',
      { ...DESIGN_EXAMPLE, notify: { pagerEmails: ['oncall'] } },
      'notify.pagerEmails[0]',
      /email/,
    ],
  ])('rejects %s at its path', (_name, document, path, message) => {
    const error = rejection(() => parse(document));

    expect(error.issues).toContainEqual({
      path,
      message: typeof message === 'string' ? message : expect.stringMatching(message),
    });
  });

  it('never echoes a literal secret, wherever it is pasted', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9_]{12,40}$/).map((value) => `sk_live_${value}`);
    const pasted = fc.constantFrom<(value: string) => Json>(
      (value) => ({ token: value }),
      (value) => ({ apiKey: value }),
      (value) => ({ token: { env: `${value}-` } }),
      (value) => ({ apiKey: { env: value, secret: value } }),
    );
    fc.assert(
      fc.property(secret, pasted, (value, auth) => {
        const error = rejection(() => parse(vendorsOnly({ id: 'x', profile: 'miro', auth: auth(value) })));

        expect(error.message).not.toContain(value);
        expect(JSON.stringify(error.issues)).not.toContain(value);
      }),
      { seed: 3, numRuns: 100 },
    );
  });
});

describe('loadConfig and parseConfig: unreadable files', () => {
  it('reports a missing file as a ConfigError naming the file', () => {
    const error = rejection(() => loadConfig('/nonexistent/vendorwatch.config.json'));

    expect(error.source).toBe('/nonexistent/vendorwatch.config.json');
    expect(error.issues).toEqual([{ path: '', message: 'file not found' }]);
  });

  const unquotedSecret = [
    '{',
    '  "vendors": [',
    `    { "id": "x", "profile": "miro", "auth": { "token": ${SECRET} } }`,
    '  ]',
    '}',
  ];

  it.each<[string, string, number, number]>([
    ['a trailing comma', '{\n  "vendors": [],\n}', 3, 1],
    ['a missing value', '{\n  "schedule": { "everyMinutes": },\n  "vendors": []\n}', 2, 33],
    ['a truncated file', '{\n  "vendors": [', 2, 15],
    ['an empty file', '', 1, 1],
    ['text after the document', '{ "vendors": [] }\n}', 2, 1],
    ['a secret pasted without quotes', unquotedSecret.join('\n'), 3, unquotedSecret[2]!.indexOf(SECRET) + 1],
    ['Windows line endings', '{\r\n  "vendors": [\r\n  ,]\r\n}', 3, 3],
  ])('reports invalid JSON with line and column: %s', (_name, text, line, column) => {
    const error = rejection(() => parseConfig(text, 'vendorwatch.config.json'));

    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]!.path).toBe('');
    expect(error.issues[0]!.message).toMatch(new RegExp(`^invalid JSON at line ${line}, column ${column}: `));
    expect(error.message).not.toContain(SECRET);
  });
});

describe('profiles: defaults, and overrides that point a profile at a local server', () => {
  it.each<[string, Json, Partial<VendorConfig>]>([
    [
      'miro defaults',
      { id: 'miro', profile: 'miro', auth: { token: { env: 'T' } } },
      {
        statusPageUrl: 'https://status.miro.com/api/v2/summary.json',
        api: {
          method: 'GET',
          url: 'https://api.miro.com/v2/boards?limit=1',
          headers: {},
          expectStatus: [200],
        },
        tokenUrl: 'https://api.miro.com/v1/oauth-token',
        requiredScopes: ['boards:read'],
        checkTimeoutMs: 10_000,
        retryDelayMs: 2_000,
        rateLimitLowPercent: 10,
        maxBodyBytes: 65_536,
        latencyMsDegraded: 2000,
      },
    ],
    [
      'an apiBase with a path prefix keeps it, for the probe and the token introspection',
      { id: 'miro', profile: 'miro', apiBase: 'http://127.0.0.1:4010/miro' },
      {
        api: {
          method: 'GET',
          url: 'http://127.0.0.1:4010/miro/v2/boards?limit=1',
          headers: {},
          expectStatus: [200],
        },
        tokenUrl: 'http://127.0.0.1:4010/miro/v1/oauth-token',
      },
    ],
    [
      'an apiBase with a trailing slash does not double it',
      { id: 'miro', profile: 'miro', apiBase: 'http://127.0.0.1:4010/miro/' },
      { tokenUrl: 'http://127.0.0.1:4010/miro/v1/oauth-token' },
    ],
    [
      'a statusPage root gets the Statuspage summary path appended',
      { id: 'miro', profile: 'miro', statusPage: 'http://127.0.0.1:4010/status' },
      { statusPageUrl: 'http://127.0.0.1:4010/status/api/v2/summary.json' },
    ],
    [
      'a statusPage ending in .json is used as is',
      { id: 'miro', profile: 'miro', statusPage: 'http://127.0.0.1:4010/status/summary.json' },
      { statusPageUrl: 'http://127.0.0.1:4010/status/summary.json' },
    ],
    [
      'statusPage and token null switch those checks off',
      { id: 'miro', profile: 'miro', statusPage: null, token: null },
      { statusPageUrl: null, tokenUrl: null },
    ],
    [
      'an api override of expectStatus alone keeps the profile request',
      { id: 'miro', profile: 'miro', api: { expectStatus: [200, 204] } },
      {
        api: {
          method: 'GET',
          url: 'https://api.miro.com/v2/boards?limit=1',
          headers: {},
          expectStatus: [200, 204],
        },
      },
    ],
    [
      'ideogram defaults: the free usage read, 404 expected, key in Api-Key',
      { id: 'ideogram', profile: 'ideogram', auth: { apiKey: { env: 'K' } } },
      {
        name: 'Ideogram',
        statusPageUrl: 'https://status.ideogram.ai/api/v2/summary.json',
        api: {
          method: 'GET',
          url: 'https://api.ideogram.ai/v2/account/usage',
          headers: {},
          expectStatus: [200, 404],
        },
        auth: { header: 'Api-Key', prefix: '', secret: { env: 'K' }, kind: 'apiKey' },
        tokenUrl: null,
        requiredScopes: [],
      },
    ],
    [
      'an API key sent in Authorization is a bearer token',
      { id: 'ideogram', profile: 'ideogram', auth: { apiKey: { env: 'K' }, header: 'Authorization' } },
      { auth: { header: 'Authorization', prefix: 'Bearer ', secret: { env: 'K' }, kind: 'apiKey' } },
    ],
    [
      'generic with api.url, named after its id',
      {
        id: 'billing',
        profile: 'generic',
        api: {
          method: 'HEAD',
          url: 'https://api.example.com/v1/ping',
          headers: { Accept: 'application/json' },
        },
      },
      {
        name: 'billing',
        statusPageUrl: null,
        api: {
          method: 'HEAD',
          url: 'https://api.example.com/v1/ping',
          headers: { Accept: 'application/json' },
          expectStatus: [200],
        },
        tokenUrl: null,
        auth: null,
      },
    ],
    [
      'generic with an apiBase and a path',
      {
        id: 'billing',
        profile: 'generic',
        apiBase: 'http://127.0.0.1:4010/billing',
        api: { path: '/v1/ping', body: '{}', method: 'POST' },
      },
      {
        api: {
          method: 'POST',
          url: 'http://127.0.0.1:4010/billing/v1/ping',
          headers: {},
          body: '{}',
          expectStatus: [200],
        },
      },
    ],
    [
      'app health with the default healthy values',
      { id: 'billing', profile: 'generic', appHealth: { url: 'http://127.0.0.1:3000/health' } },
      {
        appHealth: {
          url: 'http://127.0.0.1:3000/health',
          statusPath: null,
          healthyValues: ['ok', 'healthy', 'up', 'pass', 'operational', 'true'],
        },
      },
    ],
    [
      'per-vendor timeouts, caps and rate-limit header names (lower-cased)',
      {
        id: 'miro',
        profile: 'miro',
        timeouts: { checkMs: 500, retryDelayMs: 10 },
        maxBodyBytes: 4096,
        rateLimitLowPercent: 25,
        latencyMsDegraded: 800,
        rateLimitHeaders: { remaining: 'X-Credits-Left' },
      },
      {
        checkTimeoutMs: 500,
        retryDelayMs: 10,
        maxBodyBytes: 4096,
        rateLimitLowPercent: 25,
        latencyMsDegraded: 800,
        rateLimitHeaders: {
          limit: 'x-ratelimit-limit',
          remaining: 'x-credits-left',
          reset: 'x-ratelimit-reset',
          retryAfter: 'retry-after',
        },
      },
    ],
  ])('%s', (_name, vendor, expected) => {
    expect(onlyVendor(vendor)).toMatchObject(expected);
  });

  it.each([
    ['https://status.example.com', 'https://status.example.com/api/v2/summary.json'],
    ['https://status.example.com/', 'https://status.example.com/api/v2/summary.json'],
    ['https://example.com/status/', 'https://example.com/status/api/v2/summary.json'],
    ['https://status.example.com?page=1', 'https://status.example.com/api/v2/summary.json?page=1'],
    ['https://status.example.com/api/v2/summary.json', 'https://status.example.com/api/v2/summary.json'],
    ['https://example.com/health.json', 'https://example.com/health.json'],
  ])('statusPageSummaryUrl(%s) → %s', (root, expected) => {
    expect(statusPageSummaryUrl(root)).toBe(expected);
  });

  it.each([
    ['http://host', '/v2/boards', 'http://host/v2/boards'],
    ['http://host/', '/v2/boards', 'http://host/v2/boards'],
    ['http://host/prefix', '/v2/boards', 'http://host/prefix/v2/boards'],
    ['http://host/prefix//', '/v2/boards?limit=1', 'http://host/prefix/v2/boards?limit=1'],
  ])('joinUrl(%s, %s) → %s', (base, path, expected) => {
    expect(joinUrl(base, path)).toBe(expected);
  });
});

// ---- fuzz: whatever the file holds, the answer is a Config or a ConfigError that says what is wrong ----

/** Parses, and lets only a ConfigError through; anything else thrown fails the property. */
function outcome(text: string): Config | ConfigError {
  try {
    return parseConfig(text, 'fuzz.json');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
}

function expectUsableIssues(result: Config | ConfigError): void {
  if (!(result instanceof ConfigError)) return;
  expect(result.issues.length).toBeGreaterThan(0);
  for (const issue of result.issues) {
    expect(typeof issue.path).toBe('string');
    expect(typeof issue.message).toBe('string');
    expect(issue.message.trim()).not.toBe('');
  }
}

type Path = (string | number)[];

function pathsOf(value: Json, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [prefix];
  const children = Array.isArray(value)
    ? value.map((child, index) => [index, child] as const)
    : Object.entries(value);
  return [prefix, ...children.flatMap(([key, child]) => pathsOf(child, [...prefix, key]))];
}

type Mutation = { path: Path; kind: 'replace' | 'delete' | 'add-key'; value: Json; key: string };

/** Applies one mutation to a deep copy: replace the value at a path, delete it, or add a key next to it. */
function mutate(document: Json, { path, kind, value, key }: Mutation): Json {
  if (path.length === 0) return kind === 'replace' ? value : document;
  const copy = structuredClone(document);
  let parent = copy as Record<string | number, Json>;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, Json>;
  const last = path.at(-1)!;
  if (kind === 'replace') parent[last] = value;
  else if (kind === 'delete' && Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (kind === 'delete') delete parent[last];
  else if (!Array.isArray(parent)) parent[key] = value;
  return copy;
}

const FUZZ_RUNS = { seed: 42, numRuns: 300 };
const EXAMPLE_PATHS = pathsOf(DESIGN_EXAMPLE);
const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  path: fc.constantFrom(...EXAMPLE_PATHS),
  kind: fc.constantFrom<Mutation['kind']>('replace', 'delete', 'add-key'),
  value: fc.oneof(
    fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
    fc.constantFrom<Json>(
      '',
      'miro',
      'generic',
      'http://127.0.0.1:1/x',
      '/v2',
      'not a url',
      0,
      -1,
      1e9,
      null,
      [],
      {},
    ),
  ),
  key: fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.constantFrom('__proto__', 'constructor', 'toString', 'id', 'env'),
  ),
});

describe('parseConfig fuzz', () => {
  it('answers any JSON document with a Config or a ConfigError whose every issue has a message', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (document) => {
        expectUsableIssues(outcome(JSON.stringify(document)));
      }),
      FUZZ_RUNS,
    );
  });

  it('answers random mutations of the DESIGN.md example the same way', () => {
    fc.assert(
      fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (mutations) => {
        const document = mutations.reduce<Json>((current, mutation) => {
          // Later mutations may aim at paths an earlier one removed; those are skipped.
          try {
            return mutate(current, mutation);
          } catch {
            return current;
          }
        }, DESIGN_EXAMPLE);

        expectUsableIssues(outcome(JSON.stringify(document)));
      }),
      FUZZ_RUNS,
    );
  });

  it('reports any broken JSON text with a line and column inside the text', () => {
    const text = JSON.stringify(DESIGN_EXAMPLE, null, 2);
    const edit = fc.record({
      at: fc.nat({ max: text.length }),
      remove: fc.nat({ max: 3 }),
      insert: fc.oneof(
        fc.string({ maxLength: 3 }),
        fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', 'x'),
      ),
    });
    fc.assert(
      fc.property(edit, ({ at, remove, insert }) => {
        const broken = text.slice(0, at) + insert + text.slice(at + remove);

        const result = outcome(broken);

        expectUsableIssues(result);
        if (result instanceof ConfigError && result.issues[0]!.message.startsWith('invalid JSON')) {
          const [, line, column] =
            /^invalid JSON at line (\d+), column (\d+): /.exec(result.issues[0]!.message) ?? [];
          const lines = broken.split('\n');
          expect(Number(line)).toBeGreaterThanOrEqual(1);
          expect(Number(line)).toBeLessThanOrEqual(lines.length);
          expect(Number(column)).toBeGreaterThanOrEqual(1);
          expect(Number(column)).toBeLessThanOrEqual(lines[Number(line) - 1]!.length + 1);
        }
      }),
      FUZZ_RUNS,
    );
  });

  it('answers arbitrary text, however deeply nested, with a ConfigError', () => {
    const deep = `${'['.repeat(100_000)}x`;

    expect(outcome(deep)).toBeInstanceOf(ConfigError);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (text) => {
        expectUsableIssues(outcome(text));
      }),
      FUZZ_RUNS,
    );
  });
});
