import { CAUSE_SPECS } from './causes.ts';
import {
  type Cause,
  type CheckName,
  type CheckResult,
  type Severity,
  type Side,
  type Signal,
  severityRank,
  type Verdict,
} from './vocabulary.ts';

export interface ClassifyContext {
  authKind: 'token' | 'apiKey' | null;
}

interface Finding {
  severity: Severity;
  cause: Cause;
  side: Side;
  check: CheckResult;
}

type Checks = Partial<Record<CheckName, CheckResult>>;

const signalOf = (checks: Checks, name: CheckName): Signal => checks[name]?.signal ?? 'skipped';
const isDown = (signal: Signal): boolean => signal === 'unreachable';

/** The vendor itself says something is wrong: the seeds' "is status.<vendor>.com showing an incident?". */
export const acknowledgesTrouble = (statusPage: Signal): boolean =>
  statusPage === 'minor' || statusPage === 'major';
const vendorAcknowledges = (checks: Checks): boolean => acknowledgesTrouble(signalOf(checks, 'status_page'));

/** "The network failing for every host": the API and every other host we asked did not answer. */
function everyHostDown(checks: Checks): boolean {
  const others = (['status_page', 'app_health'] as const)
    .map((name) => signalOf(checks, name))
    .filter((s) => s !== 'skipped');
  return others.length > 0 && others.every(isDown);
}

/** The seeds' decision tree by HTTP status, for the authenticated API call. */
function apiFinding(checks: Checks, api: CheckResult): Finding | null {
  const finding = (severity: Severity, cause: Cause, side: Side): Finding => ({
    severity,
    cause,
    side,
    check: api,
  });
  switch (api.signal) {
    case 'server_error':
      return finding('P1', vendorAcknowledges(checks) ? 'vendor_outage' : 'vendor_errors', 'vendor');
    case 'unreachable':
      return everyHostDown(checks)
        ? finding('P1', 'network', 'ours')
        : finding('P1', 'vendor_unreachable', 'vendor');
    case 'unauthorized':
      return finding('P1', 'auth_expired', 'ours');
    case 'forbidden':
      return finding(
        'P1',
        signalOf(checks, 'token') === 'missing_scopes' ? 'scope_missing' : 'auth_forbidden',
        'ours',
      );
    case 'quota':
      return finding('P1', 'quota_exhausted', 'ours');
    case 'rate_limited':
      return finding('P2', 'rate_limited', 'ours');
    case 'bad_response':
      return finding('P2', 'bad_response', 'vendor');
    case 'slow':
      return finding('P2', 'high_latency', vendorAcknowledges(checks) ? 'vendor' : 'unknown');
    case 'not_found':
      return finding('P3', 'not_found', 'ours');
    case 'client_error':
      return finding('P3', 'bad_response', 'ours');
    default:
      return null;
  }
}

function otherFindings(checks: Checks): Finding[] {
  const findings: Finding[] = [];
  const add = (name: CheckName, severity: Severity, cause: Cause, side: Side) =>
    findings.push({ severity, cause, side, check: checks[name]! });
  const token = signalOf(checks, 'token');
  if (token === 'unauthorized') add('token', 'P1', 'auth_expired', 'ours');
  else if (token === 'missing_scopes') add('token', 'P2', 'scope_missing', 'ours');
  else if (['unreachable', 'bad_response', 'server_error'].includes(token))
    add('token', 'P4', 'monitoring_gap', 'vendor');

  const rateLimit = signalOf(checks, 'rate_limit');
  if (rateLimit === 'rate_limited') add('rate_limit', 'P2', 'rate_limited', 'ours');
  else if (rateLimit === 'low') add('rate_limit', 'P4', 'rate_limit_low', 'ours');

  if (['unhealthy', 'unreachable', 'bad_response'].includes(signalOf(checks, 'app_health'))) {
    add('app_health', 'P2', 'app_unhealthy', 'ours');
  }
  const statusPage = signalOf(checks, 'status_page');
  if (statusPage === 'major') add('status_page', 'P1', 'vendor_outage', 'vendor');
  else if (statusPage === 'minor') add('status_page', 'P3', 'vendor_degraded', 'vendor');
  else if (statusPage === 'unreachable' || statusPage === 'bad_response') {
    add('status_page', 'P4', 'monitoring_gap', 'vendor');
  }
  return findings;
}

/** The most severe finding wins; on a tie the API's own answer outranks what others say about it. */
function worst(findings: Finding[]): Finding | null {
  return findings.reduce<Finding | null>(
    (best, next) => (best && severityRank(best.severity) <= severityRank(next.severity) ? best : next),
    null,
  );
}

/**
 * P1 causes a passing blip cannot produce, so failing every in-cycle attempt is proof enough to open at
 * once: the vendor's own words about our credentials or billing, or its status page agreeing. A 5xx or
 * timeout on a green status page is proof only after the API check's later confirmation re-check (a
 * third attempt): two attempts 2 s apart both failing happens a few times in 10,000 cycles of a
 * healthy, slightly flaky vendor, and must not page.
 */
const BLIP_PROOF: readonly Cause[] = [
  'auth_expired',
  'auth_forbidden',
  'scope_missing',
  'quota_exhausted',
  'vendor_outage',
];

const numberFact = (check: CheckResult | undefined, key: string): number | null => {
  const value = check?.facts?.[key];
  return typeof value === 'number' ? value : null;
};

/** What every check passing means. */
export const HEALTHY_VERDICT: Readonly<Verdict> = Object.freeze({
  severity: null,
  cause: 'ok',
  side: 'unknown',
  summary: 'All checks pass.',
  action: 'No action.',
  confirmed: false,
});

/**
 * One cycle's checks → severity, cause, whose side, and the runbook's next step.
 * Pure: the same checks always give the same verdict.
 */
export function classify(results: readonly CheckResult[], context: ClassifyContext): Verdict {
  const checks: Checks = Object.fromEntries(results.map((check) => [check.name, check]));
  const api = checks.api;
  const apiSays = api ? apiFinding(checks, api) : null;
  const finding = worst([...(apiSays ? [apiSays] : []), ...otherFindings(checks)]);
  if (!finding) return { ...HEALTHY_VERDICT };
  const spec = CAUSE_SPECS[finding.cause];
  const acknowledgement =
    vendorAcknowledges(checks) && finding.check.name !== 'status_page' ? checks.status_page : undefined;
  const summary = [`${spec.headline}: ${finding.check.detail}`, acknowledgement?.detail]
    .filter(Boolean)
    .join('; ');
  const missingScopes = checks.token?.facts?.missingScopes;
  return {
    severity: finding.severity,
    cause: finding.cause,
    side: finding.side,
    summary,
    action: spec.action({
      authKind: context.authKind,
      side: finding.side,
      retryAfterSeconds: numberFact(checks.rate_limit, 'retryAfterSeconds'),
      missingScopes: Array.isArray(missingScopes) ? (missingScopes as string[]) : [],
    }),
    confirmed:
      finding.severity === 'P1' &&
      finding.check === api &&
      (api.attempts > 2 || (api.attempts > 1 && BLIP_PROOF.includes(finding.cause))),
  };
}
