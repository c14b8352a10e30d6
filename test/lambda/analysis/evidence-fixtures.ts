import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileObjectStore } from '../../../lambda/adapters/file-object-store.ts';
import type { Incident } from '../../../lambda/core/incident-state.ts';
import { incidentsPrefix } from '../../../lambda/core/storage-layout.ts';
import type {
  Cause,
  CheckName,
  CheckResult,
  Outcome,
  ProbeResult,
  Severity,
  Side,
} from '../../../lambda/core/vocabulary.ts';
import { storeResult } from '../../../lambda/monitor/result-store.ts';
import { applyResult } from '../../../lambda/monitor/vendor-monitor.ts';

/**
 * Stored evidence as the monitor leaves it: results written by the real result store into the
 * real layout, each applied by the real state machine (so incidents, postmortems and their charts
 * are real too). Figures the tests expect are computed from `results` by the tests themselves.
 */

export interface CycleSpec {
  api?: { outcome: Outcome; status: number | null; latencyMs: number | null; detail?: string };
  rateLimit?: { outcome: Outcome; remaining: number; limit: number };
  verdict?: { severity: Severity; cause: Cause; side: Side };
}

const check = (name: CheckName, outcome: Outcome, extra: Partial<CheckResult> = {}): CheckResult => ({
  name,
  outcome,
  httpStatus: null,
  latencyMs: null,
  detail: outcome === 'skip' ? 'not configured' : 'ok',
  signal: outcome === 'skip' ? 'skipped' : 'ok',
  attempts: outcome === 'skip' ? 0 : 1,
  evidence: [],
  ...extra,
});

/** A result with all five checks, as the probe always stores them (skipped ones as `skip`). */
export function probeResult(vendor: string, startedAt: string, spec: CycleSpec = {}): ProbeResult {
  const api = spec.api ?? { outcome: 'pass', status: 200, latencyMs: 120 };
  const rateLimit = spec.rateLimit ?? { outcome: 'pass', remaining: 90, limit: 100 };
  const verdict = spec.verdict ?? null;
  return {
    vendor,
    startedAt,
    durationMs: (api.latencyMs ?? 0) + 15,
    checks: [
      check('status_page', 'pass', { httpStatus: 200, latencyMs: 35, detail: 'All Systems Operational' }),
      check('api', api.outcome, {
        httpStatus: api.status,
        latencyMs: api.latencyMs,
        detail: api.detail ?? `HTTP ${api.status}`,
        signal: api.outcome === 'pass' ? 'ok' : 'server_error',
        // Evidence is stored but is not a table column: queries must not trip over it.
        evidence: [
          {
            request: 'GET https://api.example.com/v2/boards?limit=1',
            status: api.status,
            headers: { 'content-type': 'application/json' },
            timings: { totalMs: api.latencyMs ?? 0 },
            bodyExcerpt: '{"data":[]}\n',
            bodyBytes: 12,
            truncated: false,
          },
        ],
      }),
      check('rate_limit', rateLimit.outcome, {
        httpStatus: api.status,
        detail: `${rateLimit.remaining}/${rateLimit.limit} remaining`,
        facts: { limit: rateLimit.limit, remaining: rateLimit.remaining, reset: 30, retryAfterSeconds: null },
      }),
      check('token', 'pass', {
        httpStatus: 200,
        latencyMs: 40,
        facts: { scopes: ['boards:read'], team: 't', missingScopes: [] },
      }),
      check('app_health', 'skip'),
    ],
    verdict: verdict
      ? { ...verdict, summary: `${verdict.cause} seen`, action: 'follow the runbook', confirmed: false }
      : {
          severity: null,
          cause: 'ok',
          side: 'unknown',
          summary: 'healthy',
          action: 'none',
          confirmed: false,
        },
  };
}

const OUTAGE: CycleSpec = {
  api: { outcome: 'fail', status: 503, latencyMs: 900, detail: 'HTTP 503 on every attempt' },
  verdict: { severity: 'P1', cause: 'vendor_errors', side: 'vendor' },
};
const THROTTLED: CycleSpec = {
  api: { outcome: 'fail', status: 429, latencyMs: 80, detail: 'HTTP 429' },
  rateLimit: { outcome: 'fail', remaining: 0, limit: 100 },
  verdict: { severity: 'P2', cause: 'rate_limited', side: 'ours' },
};
const LOW_BUDGET: CycleSpec = {
  rateLimit: { outcome: 'warn', remaining: 4, limit: 100 },
  verdict: { severity: 'P4', cause: 'rate_limit_low', side: 'ours' },
};
const SLOW: CycleSpec = {
  api: { outcome: 'warn', status: 200, latencyMs: 2600 },
  verdict: { severity: 'P2', cause: 'high_latency', side: 'unknown' },
};

/** What happens to each vendor at minute `m` of the scenario. */
const SCENARIO: Record<string, (m: number) => CycleSpec> = {
  miro: (m) => {
    if (m >= 60 && m < 75) return OUTAGE;
    if (m >= 150 && m < 158) return LOW_BUDGET;
    return { api: { outcome: 'pass', status: 200, latencyMs: 100 + ((m * 37) % 200) } };
  },
  ideogram: (m) => {
    if (m >= 30 && m < 36) return THROTTLED;
    if (m >= 120 && m < 128) return SLOW;
    return { api: { outcome: 'pass', status: 200, latencyMs: 300 + ((m * 53) % 250) } };
  },
};

export const SCENARIO_MINUTES = 180;
export const SCENARIO_VENDORS = Object.keys(SCENARIO);

export interface GeneratedEvidence {
  dataDir: string;
  store: FileObjectStore;
  /** Every result stored, oldest first. */
  results: ProbeResult[];
  startMs: number;
}

/**
 * Three hours of one-minute cycles for two vendors, ending an hour before now (UTC, on a whole
 * minute), through the real store and state machine: an outage and a low rate-limit budget for
 * miro, 429s and slow answers for ideogram.
 */
export async function generateEvidence(now = Date.now()): Promise<GeneratedEvidence> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vendorwatch-evidence-'));
  const store = new FileObjectStore(dataDir);
  const deps = {
    store,
    notifier: { publish: async () => {} },
    config: {
      vendors: [],
      policy: {
        openAfter: 2,
        resolveAfter: 3,
        identifyAfter: 2,
        latencyMsDegraded: 2000,
        reminderMinutes: 30,
      },
    },
  };
  const startMs = Math.floor(now / 60_000) * 60_000 - (SCENARIO_MINUTES + 60) * 60_000;
  const results: ProbeResult[] = [];
  for (let m = 0; m < SCENARIO_MINUTES; m++) {
    const startedAt = new Date(startMs + m * 60_000).toISOString();
    await Promise.all(
      SCENARIO_VENDORS.map(async (vendor) => {
        const result = probeResult(vendor, startedAt, SCENARIO[vendor]!(m));
        results.push(result);
        await applyResult(deps, result, await storeResult(store, result));
      }),
    );
  }
  return { dataDir, store, results, startMs };
}

export async function readIncidents(store: FileObjectStore): Promise<Incident[]> {
  const incidents: Incident[] = [];
  for await (const key of store.list(incidentsPrefix())) {
    const stored = await store.get(key);
    if (stored) incidents.push(JSON.parse(stored.body) as Incident);
  }
  return incidents;
}
