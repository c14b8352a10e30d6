import { describe, expect, it } from 'vitest';
import { computeSlaReport, percentile } from '../../../lambda/analysis/sla-report.ts';
import type { Incident } from '../../../lambda/core/incident-state.ts';
import type { Severity, Side } from '../../../lambda/core/vocabulary.ts';
import { probeResult } from './evidence-fixtures.ts';

const START = Date.parse('2026-03-01T10:00:00.000Z');
const at = (minutes: number): string => new Date(START + minutes * 60_000).toISOString();
const WINDOW = { fromMs: START, toMs: START + 3 * 60 * 60_000 };

const healthy = (minutes: number, latencyMs = 100) =>
  probeResult('miro', at(minutes), { api: { outcome: 'pass', status: 200, latencyMs } });
const failing = (minutes: number) =>
  probeResult('miro', at(minutes), {
    api: { outcome: 'fail', status: 503, latencyMs: 1000 },
    verdict: { severity: 'P1', cause: 'vendor_errors', side: 'vendor' },
  });

function incident(
  openedMinute: number,
  options: { firstFailure: number; resolved: number | null; severity?: Severity; side?: Side },
): Incident {
  return {
    id: `miro-${openedMinute}`,
    vendor: 'miro',
    status: options.resolved === null ? 'INVESTIGATING' : 'RESOLVED',
    severity: options.severity ?? 'P1',
    peakSeverity: options.severity ?? 'P1',
    cause: 'vendor_errors',
    side: options.side ?? 'vendor',
    summary: 's',
    action: 'a',
    firstFailureAt: at(options.firstFailure),
    openedAt: at(openedMinute),
    identifiedAt: null,
    monitoringAt: null,
    resolvedAt: options.resolved === null ? null : at(options.resolved),
    lastReminderAt: at(openedMinute),
    vendorIncidents: [],
    announced: false,
    timeline: [],
  };
}

describe('percentile (nearest rank)', () => {
  it('is the smallest value with at least p of the values at or below it', () => {
    const values = Array.from({ length: 100 }, (_, index) => 100 - index); // 100 … 1, unsorted on purpose
    expect(percentile(values, 0.95)).toBe(95);
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([1, 2, 3], 0.95)).toBe(3);
    expect(percentile([], 0.95)).toBeNull();
  });
});

describe('computeSlaReport', () => {
  it('availability is healthy cycles over cycles, inside the window only', () => {
    const results = [healthy(0), healthy(1), failing(2), healthy(3), healthy(-5), healthy(60 * 4)];
    const [miro] = computeSlaReport(results, [], WINDOW).vendors;
    expect(miro).toMatchObject({ vendor: 'miro', cycles: 4, healthyCycles: 3, availability: 0.75 });
  });

  it('p95 is over the api check’s latency, nearest rank', () => {
    const results = Array.from({ length: 20 }, (_, index) => healthy(index, (index + 1) * 10)); // 10 … 200
    expect(computeSlaReport(results, [], WINDOW).vendors[0]!.latencyP95Ms).toBe(190);
  });

  it('the worst hour has the most failing cycles, the earliest on a tie', () => {
    const results = [failing(5), failing(6), failing(65), failing(66), failing(125)];
    expect(computeSlaReport(results, [], WINDOW).vendors[0]!.worstHour).toEqual({
      hour: '2026-03-01T10:00:00.000Z',
      failingCycles: 2,
    });
    expect(computeSlaReport([healthy(0)], [], WINDOW).vendors[0]!.worstHour).toBeNull();
  });

  it('MTTD and MTTR are means over incidents opened in the window; open ones count for MTTD only', () => {
    const incidents = [
      incident(2, { firstFailure: 0, resolved: 12 }), // detected in 2 min, resolved in 10
      incident(34, { firstFailure: 30, resolved: 64, severity: 'P2', side: 'ours' }), // 4 min, 30 min
      incident(100, { firstFailure: 100, resolved: null, severity: 'P2' }), // 0 min, still open
      incident(-30, { firstFailure: -40, resolved: 5 }), // opened before the window: not counted
    ];
    const [miro] = computeSlaReport([healthy(0)], incidents, WINDOW).vendors;
    expect(miro!.mttdMs).toBe(((2 + 4 + 0) / 3) * 60_000);
    expect(miro!.mttrMs).toBe(((10 + 30) / 2) * 60_000);
    expect(miro!.incidents).toEqual({
      total: 3,
      bySeverity: { P1: 1, P2: 2, P3: 0, P4: 0 },
      bySide: { vendor: 2, ours: 1, unknown: 0 },
    });
  });

  it('rate-limit pressure counts warn and fail cycles, 429s, and the lowest remaining share', () => {
    const low = probeResult('miro', at(1), {
      rateLimit: { outcome: 'warn', remaining: 8, limit: 200 },
      verdict: { severity: 'P4', cause: 'rate_limit_low', side: 'ours' },
    });
    const throttled = probeResult('miro', at(2), {
      api: { outcome: 'fail', status: 429, latencyMs: 50 },
      rateLimit: { outcome: 'fail', remaining: 0, limit: 0 }, // a zero limit says nothing about the share
      verdict: { severity: 'P2', cause: 'rate_limited', side: 'ours' },
    });
    const [miro] = computeSlaReport([healthy(0), low, throttled, healthy(3)], [], WINDOW).vendors;
    expect(miro!.rateLimit).toEqual({
      pressuredCycles: 2,
      pressure: 0.5,
      throttledCycles: 1,
      minRemainingPercent: 4,
    });
  });

  it('daily figures split by UTC day; vendors come out sorted', () => {
    const lateEvening = Date.parse('2026-03-01T23:59:00.000Z');
    const window = { fromMs: lateEvening, toMs: lateEvening + 60 * 60_000 };
    const results = [
      probeResult('zeta', '2026-03-01T23:59:00.000Z'),
      probeResult('alpha', '2026-03-01T23:59:00.000Z'),
      probeResult('alpha', '2026-03-02T00:00:00.000Z', {
        api: { outcome: 'fail', status: 500, latencyMs: 300 },
        verdict: { severity: 'P1', cause: 'vendor_errors', side: 'vendor' },
      }),
    ];
    const report = computeSlaReport(results, [], window);
    expect(report.vendors.map((vendor) => vendor.vendor)).toEqual(['alpha', 'zeta']);
    expect(report.vendors[0]!.daily).toEqual([
      { day: '2026-03-01', cycles: 1, healthyCycles: 1, availability: 1, latencyP95Ms: 120 },
      { day: '2026-03-02', cycles: 1, healthyCycles: 0, availability: 0, latencyP95Ms: 300 },
    ]);
    expect(report).toMatchObject({ from: '2026-03-01T23:59:00.000Z', to: '2026-03-02T00:59:00.000Z' });
  });
});
