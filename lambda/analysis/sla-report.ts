import type { Incident } from '../core/incident-state.ts';
import { type ProbeResult, SEVERITIES, type Severity, type Side } from '../core/vocabulary.ts';

/**
 * The SLA ledger: per vendor, what the stored results and incidents say about a time window.
 * Pure and incremental (results are added one at a time, so 30 days of minute results never sit in
 * memory at once); the CLI feeds it from the object store, tests feed it arrays.
 */

export interface ReportWindow {
  fromMs: number;
  toMs: number;
}

export interface DailyFigures {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  cycles: number;
  healthyCycles: number;
  availability: number;
  latencyP95Ms: number | null;
}

export interface VendorLedger {
  vendor: string;
  /** Probe cycles stored in the window, and those with no finding (verdict severity null). */
  cycles: number;
  healthyCycles: number;
  /** healthyCycles / cycles; null with no cycles. */
  availability: number | null;
  /** Incidents opened in the window, by peak severity and by side. */
  incidents: { total: number; bySeverity: Record<Severity, number>; bySide: Record<Side, number> };
  /** Mean of openedAt − firstFailureAt over those incidents. */
  mttdMs: number | null;
  /** Mean of resolvedAt − openedAt over those of them that are resolved. */
  mttrMs: number | null;
  /** 95th percentile (nearest rank) of the api check's latency. */
  latencyP95Ms: number | null;
  /** The UTC hour with the most failing cycles (the earliest on a tie). */
  worstHour: { hour: string; failingCycles: number } | null;
  rateLimit: {
    /** Cycles whose rate_limit check warned (low remaining) or failed (429). */
    pressuredCycles: number;
    /** pressuredCycles / cycles. */
    pressure: number | null;
    /** Cycles answered with HTTP 429. */
    throttledCycles: number;
    /** Lowest remaining / limit seen, in percent. */
    minRemainingPercent: number | null;
  };
  daily: DailyFigures[];
}

export interface SlaReport {
  from: string;
  to: string;
  vendors: VendorLedger[];
}

/** Nearest-rank percentile: the smallest value with at least `p` of the values at or below it. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

const mean = (values: readonly number[]): number | null =>
  values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;

const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

const finite = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

function remainingPercent(facts: Record<string, unknown> | undefined): number | null {
  const limit = finite(facts?.limit);
  const remaining = finite(facts?.remaining);
  return limit !== null && remaining !== null && limit > 0 ? (remaining / limit) * 100 : null;
}

interface Tally {
  cycles: number;
  healthy: number;
  latencies: number[];
}

const newTally = (): Tally => ({ cycles: 0, healthy: 0, latencies: [] });

class VendorTally {
  readonly total = newTally();
  readonly days = new Map<string, Tally>();
  readonly failingByHour = new Map<string, number>();
  readonly incidents: Incident[] = [];
  pressured = 0;
  throttled = 0;
  minRemainingPercent: number | null = null;

  add(result: ProbeResult): void {
    const day = result.startedAt.slice(0, 10);
    if (!this.days.has(day)) this.days.set(day, newTally());
    const healthy = result.verdict.severity === null;
    const api = result.checks.find((check) => check.name === 'api');
    const latency = api?.latencyMs ?? null;
    for (const tally of [this.total, this.days.get(day)!]) {
      tally.cycles += 1;
      if (healthy) tally.healthy += 1;
      if (latency !== null) tally.latencies.push(latency);
    }
    if (!healthy) {
      const hour = result.startedAt.slice(0, 13);
      this.failingByHour.set(hour, (this.failingByHour.get(hour) ?? 0) + 1);
    }
    const rateLimit = result.checks.find((check) => check.name === 'rate_limit');
    if (rateLimit?.outcome === 'warn' || rateLimit?.outcome === 'fail') this.pressured += 1;
    if (api?.httpStatus === 429) this.throttled += 1;
    const remaining = remainingPercent(rateLimit?.facts);
    if (remaining !== null && (this.minRemainingPercent === null || remaining < this.minRemainingPercent)) {
      this.minRemainingPercent = remaining;
    }
  }

  worstHour(): VendorLedger['worstHour'] {
    let worst: VendorLedger['worstHour'] = null;
    for (const [hour, failingCycles] of [...this.failingByHour].sort(([a], [b]) => a.localeCompare(b))) {
      if (!worst || failingCycles > worst.failingCycles) {
        worst = { hour: `${hour}:00:00.000Z`, failingCycles };
      }
    }
    return worst;
  }

  ledger(vendor: string): VendorLedger {
    const bySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<
      Severity,
      number
    >;
    const bySide: Record<Side, number> = { vendor: 0, ours: 0, unknown: 0 };
    for (const incident of this.incidents) {
      bySeverity[incident.peakSeverity] += 1;
      bySide[incident.side] += 1;
    }
    const resolved = this.incidents.filter((incident) => incident.resolvedAt !== null);
    return {
      vendor,
      cycles: this.total.cycles,
      healthyCycles: this.total.healthy,
      availability: ratio(this.total.healthy, this.total.cycles),
      incidents: { total: this.incidents.length, bySeverity, bySide },
      mttdMs: mean(this.incidents.map((i) => Date.parse(i.openedAt) - Date.parse(i.firstFailureAt))),
      mttrMs: mean(resolved.map((i) => Date.parse(i.resolvedAt!) - Date.parse(i.openedAt))),
      latencyP95Ms: percentile(this.total.latencies, 0.95),
      worstHour: this.worstHour(),
      rateLimit: {
        pressuredCycles: this.pressured,
        pressure: ratio(this.pressured, this.total.cycles),
        throttledCycles: this.throttled,
        minRemainingPercent: this.minRemainingPercent,
      },
      daily: [...this.days]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([day, tally]) => ({
          day,
          cycles: tally.cycles,
          healthyCycles: tally.healthy,
          availability: tally.healthy / tally.cycles,
          latencyP95Ms: percentile(tally.latencies, 0.95),
        })),
    };
  }
}

export class SlaLedger {
  private readonly vendors = new Map<string, VendorTally>();

  constructor(private readonly window: ReportWindow) {}

  private within(iso: string): boolean {
    const at = Date.parse(iso);
    return at >= this.window.fromMs && at <= this.window.toMs;
  }

  private tally(vendor: string): VendorTally {
    let tally = this.vendors.get(vendor);
    if (!tally) {
      tally = new VendorTally();
      this.vendors.set(vendor, tally);
    }
    return tally;
  }

  /** Counts a result started inside the window; others are ignored. */
  addResult(result: ProbeResult): void {
    if (this.within(result.startedAt)) this.tally(result.vendor).add(result);
  }

  /** Counts an incident opened inside the window; others are ignored. */
  addIncident(incident: Incident): void {
    if (this.within(incident.openedAt)) this.tally(incident.vendor).incidents.push(incident);
  }

  report(): SlaReport {
    return {
      from: new Date(this.window.fromMs).toISOString(),
      to: new Date(this.window.toMs).toISOString(),
      vendors: [...this.vendors]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([vendor, tally]) => tally.ledger(vendor)),
    };
  }
}

export function computeSlaReport(
  results: Iterable<ProbeResult>,
  incidents: Iterable<Incident>,
  window: ReportWindow,
): SlaReport {
  const ledger = new SlaLedger(window);
  for (const result of results) ledger.addResult(result);
  for (const incident of incidents) ledger.addIncident(incident);
  return ledger.report();
}
