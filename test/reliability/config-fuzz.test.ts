import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, formatPath, parseConfig } from '../../lambda/config/load-config.ts';
import { runCli, writeConfig } from '../support/cli.ts';
import { reportCounts } from './support/counts.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

/** A valid config that uses every section; each fuzz case breaks it in one to three places. */
const VALID: Json = {
  vendors: [
    {
      id: 'miro',
      profile: 'miro',
      name: 'Miro',
      auth: { token: { env: 'MIRO_TOKEN' } },
      requiredScopes: ['boards:read'],
      appHealth: { url: 'https://app.example.com/health', statusPath: 'miro.status', healthyValues: ['ok'] },
      timeouts: { checkMs: 5_000, retryDelayMs: 100 },
      rateLimitLowPercent: 10,
      maxBodyBytes: 65_536,
      latencyMsDegraded: 2_000,
    },
    {
      id: 'billing',
      profile: 'generic',
      statusPage: 'https://status.example.com',
      apiBase: 'https://api.example.com',
      api: { method: 'GET', path: '/v1/ping', headers: { 'X-Trace': 'vendorwatch' }, expectStatus: [200] },
      auth: { apiKey: { secret: 'vendorwatch/billing', field: 'apiKey' }, header: 'X-Api-Key' },
      rateLimitHeaders: { limit: 'x-limit', remaining: 'x-remaining' },
    },
  ],
  schedule: { everyMinutes: 1 },
  policy: { openAfter: 2, resolveAfter: 3, identifyAfter: 2, latencyMsDegraded: 2_000, reminderMinutes: 30 },
  notify: {
    pagerEmails: ['oncall@example.com', { email: 'leads@example.com', severities: ['P1'] }],
    statusPageEmails: ['support@example.com'],
  },
  storage: { resultsRetentionDays: 90 },
};

function nodesOf(value: Json, path: Path = []): { path: Path; value: Json }[] {
  const children: [string | number, Json][] = Array.isArray(value)
    ? value.map((child, index) => [index, child])
    : value !== null && typeof value === 'object'
      ? Object.entries(value)
      : [];
  return [{ path, value }, ...children.flatMap(([key, child]) => nodesOf(child, [...path, key]))];
}
const NODES = nodesOf(VALID).filter(({ path }) => path.length > 0);
const isObject = (value: Json) => value !== null && typeof value === 'object' && !Array.isArray(value);
const kindOf = (value: Json) => (Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value);

/** Secret references and subscribers are unions: a problem inside one may be reported on the whole. */
function unionRoot(path: Path): Path | null {
  const at = path.findIndex(
    (part, index) => ['token', 'apiKey'].includes(String(part)) && path[index - 1] === 'auth',
  );
  if (at >= 0) return path.slice(0, at + 1);
  if (/^(pager|statusPage)Emails$/.test(String(path[1])) && path.length > 2) return path.slice(0, 3);
  return null;
}

interface Mutation {
  kind: string;
  /** Where it lands; it is the path the error must name. */
  path: Path;
  value: Json;
  /** Another place it relies on staying as it is. */
  relies?: Path;
}

/** A marker replaced by deeply nested JSON text after serialising (JSON.stringify recurses). */
const DEEP = '__deeply_nested__';
const DEPTH = 10_000;
const deepText = `${'{"a":['.repeat(DEPTH)}1${']}'.repeat(DEPTH)}`;

const WRONG_BY_KIND: Record<string, Json[]> = {
  string: [42, -1, true, [], {}, ['x']],
  number: ['5', '', true, [], {}, null],
  array: ['x', 3, {}, true],
  object: ['x', 3, [], true],
};

const wrongType: fc.Arbitrary<Mutation> = fc
  .constantFrom(...NODES)
  .chain(({ path, value }) =>
    fc
      .constantFrom(...WRONG_BY_KIND[kindOf(value)]!)
      .map((wrong) => ({ kind: 'wrong type', path, value: wrong })),
  );

const unknownKey: fc.Arbitrary<Mutation> = fc
  .record({
    node: fc.constantFrom(
      ...[{ path: [] as Path, value: VALID }, ...NODES].filter(
        ({ path, value }) => isObject(value) && path.at(-1) !== 'headers',
      ),
    ),
    key: fc.string({ maxLength: 12 }).map((suffix) => `zz${suffix}`),
    value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  })
  .map(({ node, key, value }) => ({ kind: 'unknown key', path: [...node.path, key], value }));

const HUGE_STRING = 'a'.repeat(100_001);
const hugeValue: fc.Arbitrary<Mutation> = fc
  .constantFrom(...NODES.filter(({ value }) => ['string', 'number', 'array'].includes(kindOf(value))))
  .chain(({ path, value }): fc.Arbitrary<Mutation> => {
    if (typeof value === 'string') return fc.constant({ kind: 'huge value', path, value: HUGE_STRING });
    if (typeof value === 'number')
      return fc
        .constantFrom(1e308, -1e308, 2 ** 53 + 1, 1e21)
        .map((huge) => ({ kind: 'huge value', path, value: huge }));
    const item = (value as Json[])[0] ?? 'x@example.com';
    return fc.constant({ kind: 'huge value', path, value: Array.from({ length: 1_000 }, () => item) });
  });

const duplicateId: fc.Arbitrary<Mutation> = fc.constant({
  kind: 'duplicate id',
  path: ['vendors', 1, 'id'],
  value: 'miro',
  relies: ['vendors', 0, 'id'],
});

const deepNesting: fc.Arbitrary<Mutation> = fc
  .constantFrom(...NODES.filter(({ value }) => typeof value === 'string' || typeof value === 'number'))
  .map(({ path }) => ({ kind: 'deep nesting', path, value: DEEP }));

const unsendableHeader: fc.Arbitrary<Mutation> = fc
  .oneof(
    fc.constantFrom('X Trace', 'X-Trace\n', 'Ünïcode', 'a:b', '').map((name) => ({ name, value: 'v' })),
    fc
      .constantFrom('line\nbreak', 'cr\rlf', 'nul\u0000', 'euro €', 'emoji 🙂')
      .map((value) => ({ name: 'X-Trace', value })),
  )
  .map(({ name, value }) => ({
    kind: 'header the wire cannot carry',
    path: ['vendors', 1, 'api', 'headers', name],
    value,
  }));

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  wrongType,
  unknownKey,
  hugeValue,
  duplicateId,
  deepNesting,
  unsendableHeader,
);

const isPrefix = (a: Path, b: Path) => a.length <= b.length && a.every((part, index) => part === b[index]);
const touched = (mutation: Mutation): Path[] => [
  mutation.path,
  ...(mutation.relies ? [mutation.relies] : []),
];
const overlap = (a: Mutation, b: Mutation) =>
  touched(a).some((x) => touched(b).some((y) => isPrefix(x, y) || isPrefix(y, x)));
/** One to three mutations in separate places, so none hides another. */
const mutationsArb = fc
  .array(mutationArb, { minLength: 1, maxLength: 3 })
  .filter((mutations) => mutations.every((a, i) => mutations.every((b, j) => i === j || !overlap(a, b))));

function apply(mutations: readonly Mutation[]): string {
  const document = structuredClone(VALID) as Record<string | number, Json>;
  for (const { path, value } of mutations) {
    let parent = document;
    for (const part of path.slice(0, -1)) parent = parent[part] as Record<string | number, Json>;
    parent[path.at(-1)!] = value;
  }
  return JSON.stringify(document).replaceAll(`"${DEEP}"`, deepText);
}

/** The error names the mutation's path (or the union it sits in). */
function named(error: ConfigError, mutation: Mutation): boolean {
  const root = unionRoot(mutation.path);
  const accepted = [formatPath(mutation.path), ...(root ? [formatPath(root)] : [])];
  return error.issues.some((issue) => accepted.includes(issue.path));
}

const byKind = new Map<string, number>();
let issuesChecked = 0;
afterAll(() =>
  reportCounts('config fuzz', {
    faultsInjected: [...byKind.values()].reduce((sum, n) => sum + n, 0),
    issuesChecked,
    ...Object.fromEntries(byKind),
  }),
);

describe('config fuzz: a broken config file is always exit 2 with the path of every problem, never a stack trace', () => {
  it('parseConfig: wrong types, unknown keys, huge values, duplicate ids, deep nesting, unsendable headers', () => {
    expect(() => parseConfig(JSON.stringify(VALID), 'valid.json')).not.toThrow();
    fc.assert(
      fc.property(mutationsArb, (mutations) => {
        let error: unknown;
        try {
          parseConfig(apply(mutations), 'fuzz.json');
        } catch (caught) {
          error = caught;
        }

        expect(error).toBeInstanceOf(ConfigError);
        const { issues, message } = error as ConfigError;
        for (const issue of issues) expect(issue.path).not.toBe('');
        for (const mutation of mutations)
          expect(
            named(error as ConfigError, mutation),
            `${mutation.kind} at ${formatPath(mutation.path)}`,
          ).toBe(true);
        expect(message).not.toMatch(/\n\s+at /);
        for (const { kind } of mutations) byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
        issuesChecked += issues.length;
      }),
      { seed: 5_150, numRuns: 300 },
    );
  });

  it('`vendorwatch probe --config`: exit 2, every path on stderr, nothing on stdout', async () => {
    const cases = fc.sample(mutationsArb, { seed: 5_151, numRuns: 4 });
    const files = cases.map((mutations) => {
      const file = writeConfig({});
      writeFileSync(file, apply(mutations));
      return file;
    });

    const runs = await Promise.all(files.map((file) => runCli(['probe', '--config', file])));

    reportCounts('config fuzz, CLI', {
      faultsInjected: cases.flat().length,
      exit2: runs.filter((run) => run.code === 2).length,
      runs: runs.length,
    });
    runs.forEach((run, index) => {
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^vendorwatch: .*: \d+ problems?\n/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      for (const mutation of cases[index]!) {
        const root = unionRoot(mutation.path);
        const paths = [formatPath(mutation.path), ...(root ? [formatPath(root)] : [])];
        expect(paths.some((path) => run.stderr.includes(`  ${path}: `))).toBe(true);
      }
    });
  });
});
