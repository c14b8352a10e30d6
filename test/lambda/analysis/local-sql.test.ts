import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileObjectStore } from '../../../lambda/adapters/file-object-store.ts';
import { LocalSql, NoResultsError, QueryError } from '../../../lambda/analysis/local-sql.ts';
import { POSTMORTEM_QUERIES } from '../../../lambda/analysis/postmortem-queries.ts';
import { UnreadableResultError } from '../../../lambda/analysis/results-cache.ts';
import { resultKey } from '../../../lambda/core/storage-layout.ts';
import type { ProbeResult } from '../../../lambda/core/vocabulary.ts';
import { storeResult } from '../../../lambda/monitor/result-store.ts';
import { type GeneratedEvidence, generateEvidence, probeResult } from './evidence-fixtures.ts';

let evidence: GeneratedEvidence;
let cacheDir: string;
/** One engine over the generated evidence, shared by the read-only tests. */
let sql: LocalSql;
beforeAll(async () => {
  evidence = await generateEvidence();
  cacheDir = mkdtempSync(join(tmpdir(), 'vendorwatch-cache-'));
  sql = await LocalSql.open({ dataDir: evidence.dataDir, cacheDir });
});
afterAll(() => {
  sql?.close();
  rmSync(evidence.dataDir, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
});

/**
 * Hour directories changed in the last seconds are re-read every time (their mtime may not show
 * the next change yet). Dates those changed recently a minute back, as if time had passed; the
 * others keep their mtime, so the cache can tell them unchanged.
 */
function letTimePass(dataDir: string): void {
  const now = Date.now();
  const past = new Date(now - 60_000);
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
    }
    if (now - statSync(dir).mtimeMs < 10_000) utimesSync(dir, past, past);
  };
  walk(join(dataDir, 'results'));
}

async function withSql<T>(dataDir: string, cache: string, use: (sql: LocalSql) => Promise<T>): Promise<T> {
  const engine = await LocalSql.open({ dataDir, cacheDir: cache });
  try {
    return await use(engine);
  } finally {
    engine.close();
  }
}

const api = (result: ProbeResult) => result.checks.find((check) => check.name === 'api')!;
const days = (): [string, string] => {
  const all = evidence.results.map((result) => result.startedAt.slice(0, 10)).sort();
  return [all[0]!, all.at(-1)!];
};

describe('local SQL: the results table over a data directory', () => {
  it('has the Athena table’s columns: data columns, then vendor, day and hour partitions', async () => {
    const { rows } = await sql.query('DESCRIBE results');
    expect(rows.map((row) => row[0])).toEqual([
      'startedat',
      'durationms',
      'verdict',
      'checks',
      'vendor',
      'day',
      'hour',
    ]);
    const types = Object.fromEntries(rows.map((row) => [row[0], row[1]]));
    expect(types.startedat).toBe('VARCHAR');
    expect(types.hour).toBe('VARCHAR');
    expect(types.verdict).toContain('severity VARCHAR');
    expect(types.checks).toMatch(
      /^STRUCT\("name" VARCHAR, outcome VARCHAR, httpstatus INTEGER, latencyms DOUBLE/,
    );
    expect(types.checks).toContain('facts STRUCT("limit" DOUBLE, remaining DOUBLE');
    expect(types.checks).not.toContain('evidence');
  });

  it('holds every stored result once, with the partition its key names', async () => {
    const { rows } = await sql.query(
      'SELECT vendor, count(*), count_if(day = substr(startedat, 1, 10) AND hour = substr(startedat, 12, 2)) FROM results GROUP BY vendor ORDER BY vendor',
    );
    const perVendor = (vendor: string) =>
      evidence.results.filter((result) => result.vendor === vendor).length;
    expect(rows).toEqual([
      ['ideogram', perVendor('ideogram'), perVendor('ideogram')],
      ['miro', perVendor('miro'), perVendor('miro')],
    ]);
  });

  it('answers the postmortem queries with the figures the stored results hold', async () => {
    const [first, last] = days();
    const byName = Object.fromEntries(POSTMORTEM_QUERIES.map((query) => [query.name, query]));
    const outageStart = new Date(evidence.startMs + 55 * 60_000).toISOString();
    const outageEnd = new Date(evidence.startMs + 80 * 60_000).toISOString();
    const answers = {
      timeline: await sql.query(byName['incident-timeline']!.sql, [
        'miro',
        first,
        last,
        outageStart,
        outageEnd,
      ]),
      availability: await sql.query(byName['availability-per-vendor-per-day']!.sql, [first, last]),
      latency: await sql.query(byName['api-latency-percentiles-per-hour']!.sql, [first, last]),
      rateLimit: await sql.query(byName['rate-limit-pressure']!.sql, [first, last]),
      causes: await sql.query(byName['causes-by-count']!.sql, [first, last]),
    };

    const inOutage = evidence.results.filter(
      (r) => r.vendor === 'miro' && r.startedAt >= outageStart && r.startedAt < outageEnd,
    );
    expect(answers.timeline.rows.map((row) => [row[0], row[5]])).toEqual(
      inOutage.map((r) => [r.startedAt, api(r).httpStatus]),
    );

    const cycles = answers.availability.rows.reduce((sum, row) => sum + Number(row[2]), 0);
    const healthy = answers.availability.rows.reduce((sum, row) => sum + Number(row[3]), 0);
    expect(cycles).toBe(evidence.results.length);
    expect(healthy).toBe(evidence.results.filter((r) => r.verdict.severity === null).length);

    const hours = new Set(evidence.results.map((r) => `${r.vendor} ${r.startedAt.slice(0, 13)}`));
    expect(answers.latency.rows).toHaveLength(hours.size);

    const ideogram = answers.rateLimit.rows.filter((row) => row[0] === 'ideogram');
    const miro = answers.rateLimit.rows.filter((row) => row[0] === 'miro');
    const count = (vendor: string, test: (r: ProbeResult) => boolean) =>
      evidence.results.filter((r) => r.vendor === vendor && test(r)).length;
    expect(ideogram.reduce((sum, row) => sum + Number(row[3]), 0)).toBe(
      count('ideogram', (r) => api(r).httpStatus === 429),
    );
    expect(miro.reduce((sum, row) => sum + Number(row[4]), 0)).toBe(
      count('miro', (r) => r.checks.some((c) => c.name === 'rate_limit' && c.outcome === 'warn')),
    );
    expect(Math.min(...miro.map((row) => Number(row[5])))).toBe(4);

    const [top] = answers.causes.rows;
    expect(top?.slice(0, 5)).toEqual([
      'miro',
      'vendor_errors',
      'vendor',
      'P1',
      count('miro', (r) => r.verdict.cause === 'vendor_errors'),
    ]);
  });

  it('reports DuckDB’s own message for bad SQL, and placeholders without values', async () => {
    await expect(sql.query('SELEC 1')).rejects.toThrow(/Parser Error: syntax error at or near "SELEC"/);
    await expect(sql.query('SELECT evidence FROM results')).rejects.toThrow(QueryError);
    await expect(sql.query('SELECT ? AS a')).rejects.toThrow(/placeholders/);
    await expect(sql.query('SELECT 1', ['extra'])).rejects.toThrow(/--param/);
  });

  it('cannot change the cached copy', async () => {
    await expect(sql.query('DELETE FROM cache.results')).rejects.toThrow(/read-only/);
  });
});

describe('local SQL: the cache follows the data directory', () => {
  it('re-reads only partitions that changed, and drops partitions that disappeared', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vendorwatch-changing-'));
    const cache = mkdtempSync(join(tmpdir(), 'vendorwatch-cache-'));
    const store = new FileObjectStore(dataDir);
    const hourA = Date.parse('2026-03-01T10:00:00.000Z');
    const hourB = Date.parse('2026-03-01T11:00:00.000Z');
    for (const start of [hourA, hourB]) {
      for (let m = 0; m < 3; m++)
        await storeResult(store, probeResult('miro', new Date(start + m * 60_000).toISOString()));
    }
    letTimePass(dataDir);
    const count = () => withSql(dataDir, cache, (engine) => engine.query('SELECT count(*) FROM results'));
    const stats = () => withSql(dataDir, cache, async (engine) => engine.sync);

    expect((await count()).rows).toEqual([[6]]);
    expect(await stats()).toMatchObject({ partitions: 2, stale: 0 });

    await storeResult(store, probeResult('miro', new Date(hourA + 30 * 60_000).toISOString()));
    letTimePass(dataDir);
    expect(await stats()).toMatchObject({ partitions: 2, stale: 1, results: 4 });
    expect((await count()).rows).toEqual([[7]]);

    rmSync(join(dataDir, 'results/vendor=miro/date=2026-03-01/hour=11'), { recursive: true });
    expect(await stats()).toMatchObject({ partitions: 1, removed: 1 });
    expect((await count()).rows).toEqual([[4]]);
  });

  it('names a stored result that is not JSON', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vendorwatch-broken-'));
    const key = resultKey('miro', '2026-03-01T10:00:00.000Z', 'abcd1234');
    mkdirSync(join(dataDir, key, '..'), { recursive: true });
    writeFileSync(join(dataDir, key), '{"vendor": "miro", "startedAt": ');
    const opening = LocalSql.open({ dataDir, cacheDir: null });
    await expect(opening).rejects.toThrow(UnreadableResultError);
    await expect(opening).rejects.toThrow(key.split('/').at(-1)!);
  });

  it('says so when the directory holds no results', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'vendorwatch-empty-'));
    await expect(LocalSql.open({ dataDir: empty, cacheDir: null })).rejects.toThrow(NoResultsError);
  });
});
