/**
 * The words vendorwatch uses everywhere: in code, stored JSON, CLI output and docs.
 * A check produces a result, results produce a verdict, verdicts drive incidents.
 */

export const CHECK_NAMES = ['status_page', 'api', 'rate_limit', 'token', 'app_health'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

export type Outcome = 'pass' | 'warn' | 'fail' | 'skip';

export const SEVERITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type Side = 'vendor' | 'ours' | 'unknown';

export const CAUSES = [
  'ok',
  'vendor_outage',
  'vendor_errors',
  'vendor_degraded',
  'vendor_unreachable',
  'high_latency',
  'rate_limited',
  'rate_limit_low',
  'auth_expired',
  'auth_forbidden',
  'scope_missing',
  'not_found',
  'bad_response',
  'network',
  'app_unhealthy',
  'monitoring_gap',
  'quota_exhausted',
] as const;
export type Cause = (typeof CAUSES)[number];

/**
 * What a check observed, in the terms the decision trees branch on. `classify` reads signals,
 * never raw HTTP, so the trees can be tested as tables.
 */
export type Signal =
  // any check
  | 'ok'
  | 'skipped'
  | 'unreachable' // timeout, reset, refused, DNS or TLS failure
  | 'bad_response' // unreadable body, wrong shape, over the size cap
  // status_page
  | 'minor' // indicator minor, a degraded component or an unresolved incident
  | 'major' // indicator major/critical or a component in major_outage
  // api
  | 'slow'
  | 'server_error'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'rate_limited'
  | 'quota'
  | 'client_error'
  // rate_limit
  | 'low'
  | 'absent'
  // token
  | 'missing_scopes'
  // app_health
  | 'unhealthy';

export interface Timings {
  dnsMs?: number;
  connectMs?: number;
  tlsMs?: number;
  ttfbMs?: number;
  totalMs: number;
}

/** One HTTP exchange as kept for the postmortem: already redacted, body capped. */
export interface Evidence {
  request: string;
  status: number | null;
  headers: Record<string, string>;
  timings: Timings;
  bodyExcerpt: string;
  bodyBytes: number;
  truncated: boolean;
  error?: string;
}

export interface CheckResult {
  name: CheckName;
  outcome: Outcome;
  httpStatus: number | null;
  latencyMs: number | null;
  detail: string;
  signal: Signal;
  /** HTTP attempts made; the api check retries a failure once inside the cycle. */
  attempts: number;
  /** Check-specific facts worth keeping (rate-limit numbers, scopes, vendor incident names). */
  facts?: Record<string, unknown>;
  evidence: Evidence[];
}

export interface Verdict {
  severity: Severity | null;
  cause: Cause;
  side: Side;
  summary: string;
  action: string;
  /** A P1 seen on every in-cycle attempt: strong enough to open an incident at once. */
  confirmed: boolean;
}

export interface ProbeResult {
  vendor: string;
  startedAt: string;
  durationMs: number;
  checks: CheckResult[];
  verdict: Verdict;
}

export const isFinding = (verdict: Pick<Verdict, 'severity'>): boolean => verdict.severity !== null;

/** P1 is the most severe; a lower rank is worse. */
export const severityRank = (severity: Severity): number => SEVERITIES.indexOf(severity);
