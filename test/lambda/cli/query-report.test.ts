import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlaReport } from '../../../lambda/analysis/sla-report.ts';
import type { Incident } from '../../../lambda/core/incident-state.ts';
import type { ProbeResult } from '../../../lambda/core/vocabulary.ts';
import { type CliRun, runCli } from '../../support/cli.ts';
import { type GeneratedEvidence, generateEvidence, readIncidents } from '../analysis/evidence-fixtures.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = process.env.VENDORWATCH_TEST_ARTIFACTS ?? join(tmpdir(), 'vendorwatch-test-artifacts');

let evidence: GeneratedEvidence;
let incidents: Incident[];
let scratch: string;
/** Every CLI run starts at once in beforeAll (each is its own process); the tests read their outcomes. */
let runs: Record<'json' | 'csv' | 'badSql' | 'noData' | 'report', Promise<CliRun>>;

beforeAll(async () => {
  evidence = await generateEvidence();
  incidents = await readIncidents(evidence.store);
  scratch = mkdtempSync(join(tmpdir(), 'vendorwatch-cli-'));
  const data = ['--data', evidence.dataDir];
  const since = new Date(evidence.startMs - 60_000).toISOString();
  runs = {
    json: runCli([
      'query',
      'SELECT vendor, count(*) AS cycles, count_if(verdict.severity IS NULL) AS healthy FROM results WHERE vendor <> ? GROUP BY vendor ORDER BY vendor',
      ...data,
      '--param',
      'nobody',
      '--json',
      '--cache-dir',
      join(scratch, 'cache'),
    ]),
    csv: runCli([
      'query',
      `SELECT vendor, verdict.cause AS cause, count(*) AS cycles, 'a,"b"' AS quoted FROM results WHERE verdict.severity IS NOT NULL GROUP BY ALL ORDER BY vendor, cause`,
      ...data,
      '--csv',
      '--no-cache',
    ]),
    badSql: runCli(['query', 'SELEC vendor FROM results', ...data, '--no-cache']),
    noData: runCli(['query', 'SELECT 1', '--data', join(scratch, 'nothing-here'), '--no-cache']),
    report: runCli(['report', '--since', since, ...data, '--json', '--html', join(scratch, 'report.html')]),
  };
  await Promise.all(Object.values(runs));
});
afterAll(() => {
  rmSync(evidence.dataDir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

const of = (vendor: string) => evidence.results.filter((result) => result.vendor === vendor);
const apiOf = (result: ProbeResult) => result.checks.find((check) => check.name === 'api')!;
const rateLimitOf = (result: ProbeResult) => result.checks.find((check) => check.name === 'rate_limit')!;
const average = (values: number[]) =>
  values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;

/** The ledger's figures for one vendor, worked out here from the generated results and stored incidents. */
function expectedLedger(vendor: string) {
  const results = of(vendor);
  const latencies = results.map((r) => apiOf(r).latencyMs!).sort((a, b) => a - b);
  const failingPerHour = new Map<string, number>();
  for (const r of results.filter((r) => r.verdict.severity !== null)) {
    const hour = `${r.startedAt.slice(0, 13)}:00:00.000Z`;
    failingPerHour.set(hour, (failingPerHour.get(hour) ?? 0) + 1);
  }
  const [worstHour, worstCount] = [...failingPerHour].sort(
    (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]),
  )[0]!;
  const pressured = results.filter((r) => ['warn', 'fail'].includes(rateLimitOf(r).outcome)).length;
  const remaining = results.map((r) => {
    const facts = rateLimitOf(r).facts as { remaining: number; limit: number };
    return (facts.remaining / facts.limit) * 100;
  });
  const mine = incidents.filter((incident) => incident.vendor === vendor);
  const minutes = (from: string, to: string) => Date.parse(to) - Date.parse(from);
  return {
    vendor,
    cycles: results.length,
    healthyCycles: results.filter((r) => r.verdict.severity === null).length,
    availability: results.filter((r) => r.verdict.severity === null).length / results.length,
    latencyP95Ms: latencies[Math.ceil(0.95 * latencies.length) - 1],
    worstHour: { hour: worstHour, failingCycles: worstCount },
    mttdMs: average(mine.map((i) => minutes(i.firstFailureAt, i.openedAt))),
    mttrMs: average(mine.filter((i) => i.resolvedAt).map((i) => minutes(i.openedAt, i.resolvedAt!))),
    incidents: {
      total: mine.length,
      bySeverity: Object.fromEntries(
        ['P1', 'P2', 'P3', 'P4'].map((s) => [s, mine.filter((i) => i.peakSeverity === s).length]),
      ),
      bySide: Object.fromEntries(
        ['vendor', 'ours', 'unknown'].map((s) => [s, mine.filter((i) => i.side === s).length]),
      ),
    },
    rateLimit: {
      pressuredCycles: pressured,
      pressure: pressured / results.length,
      throttledCycles: results.filter((r) => apiOf(r).httpStatus === 429).length,
      minRemainingPercent: Math.min(...remaining),
    },
  };
}

describe('vendorwatch query', () => {
  it('--json: columns and rows of the SQL over the stored results, ? bound by --param', async () => {
    const { code, stdout, stderr } = await runs.json;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const healthy = (vendor: string) => of(vendor).filter((r) => r.verdict.severity === null).length;
    expect(JSON.parse(stdout)).toEqual({
      columns: [
        { name: 'vendor', type: 'VARCHAR' },
        { name: 'cycles', type: 'BIGINT' },
        { name: 'healthy', type: 'HUGEINT' }, // DuckDB's count_if
      ],
      rows: ['ideogram', 'miro'].map((vendor) => ({
        vendor,
        cycles: of(vendor).length,
        healthy: healthy(vendor),
      })),
    });
  });

  it('--csv: a header, one line per row, fields quoted where needed', async () => {
    const { code, stdout } = await runs.csv;
    expect(code).toBe(0);
    const counts = new Map<string, number>();
    for (const r of evidence.results.filter((r) => r.verdict.severity !== null)) {
      const key = `${r.vendor},${r.verdict.cause}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const expected = [...counts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, cycles]) => `${key},${cycles},"a,""b"""`);
    expect(stdout.split('\r\n')).toEqual(['vendor,cause,cycles,quoted', ...expected, '']);
  });

  it('bad SQL: exit 2 with DuckDB’s own message', async () => {
    const { code, stdout, stderr } = await runs.badSql;
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^vendorwatch: Parser Error: syntax error at or near "SELEC"/);
  });

  it('no results in the directory: exit 2, saying what it expected to find', async () => {
    const { code, stderr } = await runs.noData;
    expect(code).toBe(2);
    expect(stderr).toContain('no results in');
    expect(stderr).toContain('results/vendor=<id>/date=YYYY-MM-DD/hour=HH/*.json');
  });
});

describe('vendorwatch report', () => {
  it('--json: per vendor figures equal those computed from the stored evidence', async () => {
    const { code, stdout } = await runs.report;
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as SlaReport;
    expect(report.vendors.map((ledger) => ledger.vendor)).toEqual(['ideogram', 'miro']);
    for (const ledger of report.vendors) expect(ledger).toMatchObject(expectedLedger(ledger.vendor));
    // The scenario is what the figures should show: an outage and a low budget for miro, 429s for ideogram.
    expect(report.vendors[1]!.incidents.bySeverity.P1).toBe(1);
    expect(report.vendors[0]!.rateLimit.throttledCycles).toBe(6);
  });

  it('--html: a self-contained page with the ledger and its charts', async () => {
    await runs.report;
    const html = readFileSync(join(scratch, 'report.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    for (const chart of ['availability', 'latency', 'incidents'])
      expect(html).toContain(`data-chart="${chart}"`);
  });

  it.skipIf(!existsSync(CHROMIUM))(
    '--html: renders in a headless browser with its charts and figures',
    async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      const screenshot = join(ARTIFACTS, 'sla-report.png');
      rmSync(screenshot, { force: true });
      const page = `file://${join(scratch, 'report.html')}`;
      const browser = (...args: string[]) =>
        promisify(execFile)(
          CHROMIUM,
          [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            `--user-data-dir=${mkdtempSync(join(scratch, 'chromium-'))}`,
            '--window-size=1200,900',
            ...args,
            page,
          ],
          { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
        );
      const [, dom] = await Promise.all([browser(`--screenshot=${screenshot}`), browser('--dump-dom')]);

      expect(statSync(screenshot).size).toBeGreaterThan(20_000);
      const rendered = dom.stdout;
      expect(rendered.match(/<svg /g)?.length).toBe(3);
      expect(rendered).toContain('data-series="miro"');
      const miro = expectedLedger('miro');
      expect(rendered).toContain(`${(miro.availability * 100).toFixed(3)}%`);
      expect(rendered).toContain(`${miro.latencyP95Ms} ms`);
      console.info(`sla-report screenshot: ${screenshot}`);
    },
  );
  if (!existsSync(CHROMIUM))
    console.info(`skipping the browser check: ${CHROMIUM} is not installed (apt-get install chromium)`);
});

describe('postmortem charts', () => {
  it('each resolved incident’s draft links an SVG chart stored beside it', async () => {
    const resolved = incidents.filter((incident) => incident.resolvedAt !== null);
    expect(resolved.length).toBeGreaterThan(0);
    for (const incident of resolved) {
      const base = join(evidence.dataDir, 'postmortems', `vendor=${incident.vendor}`, incident.id);
      expect(readFileSync(`${base}.md`, 'utf8')).toContain(`![latency and outcomes](${incident.id}.svg)`);
      const svg = readFileSync(`${base}.svg`, 'utf8');
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<\/svg>$/);
      expect(svg).toMatch(/data-outcome="(warn|fail)"/);
    }
  });
});
