import { CAUSE_SPECS } from './causes.ts';
import type { Incident } from './incident-state.ts';
import type { Cause, ProbeResult } from './vocabulary.ts';

export interface StoredResult {
  key: string;
  result: ProbeResult;
}

const MAX_EVIDENCE_KEYS = 50;
const hhmm = (iso: string): string => iso.slice(11, 16);
const minutes = (fromIso: string, toIso: string): number =>
  Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 60_000);

function duration(fromIso: string, toIso: string): string {
  const total = minutes(fromIso, toIso);
  const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;
  return `${plural(Math.floor(total / 60), 'hour')} ${plural(total % 60, 'minute')}`;
}

const ACTION_ITEMS: Partial<Record<Cause, string[]>> = {
  auth_expired: [
    'Test the token refresh flow in integration tests',
    'Alert on the first 401 from the vendor',
    'Document token rotation',
  ],
  auth_forbidden: [
    'List the scopes each endpoint needs and check them at deploy',
    'Alert on 403s from the vendor',
  ],
  scope_missing: ['Request every needed scope in the OAuth flow', 'Check required scopes at deploy time'],
  rate_limited: [
    'Queue non-critical calls and honour Retry-After',
    'Cache reads; use webhooks instead of polling',
    'Alert on low remaining rate limit before 429s',
  ],
  rate_limit_low: ['Budget request credits per caller', 'Cache reads to lower the request rate'],
  vendor_outage: [
    'Verify graceful degradation (cached reads, queued writes) worked',
    'Ask the vendor for their postmortem',
  ],
  vendor_errors: ['Send the vendor the request ids from the evidence', 'Verify graceful degradation worked'],
  vendor_unreachable: [
    'Verify graceful degradation worked',
    'Check client timeouts and retries against the vendor',
  ],
  high_latency: ['Review client timeouts', 'Move slow calls off the request path'],
  quota_exhausted: ['Alert on remaining credit before it runs out', 'Enable auto top-up or raise the plan'],
  not_found: ['Stop hard-coding resource ids in the probe and the app'],
  network: [
    'Check egress redundancy (NAT, DNS resolvers)',
    'Alert on network failures separately from vendor failures',
  ],
  app_unhealthy: ['Find why our integration reported unhealthy while the vendor was fine'],
  bad_response: ['Validate vendor responses defensively', 'Check the vendor changelog for API changes'],
  monitoring_gap: ['Fix the unreadable monitoring input'],
  vendor_degraded: ['Confirm which vendor components we depend on'],
};

function wentWell(incident: Incident, detectionMinutes: number): string[] {
  return [
    `Monitoring opened the incident ${detectionMinutes} minute(s) after the first failing check.`,
    ...(incident.identifiedAt ? [`The cause was identified at ${hhmm(incident.identifiedAt)} UTC.`] : []),
    'Evidence for every check was stored automatically.',
  ];
}

function wentWrong(incident: Incident, failing: number, detectionMinutes: number): string[] {
  return [
    ...(detectionMinutes > 5 ? [`Detection took ${detectionMinutes} minutes.`] : []),
    ...(incident.side === 'ours' ? [`The cause (${incident.cause}) was on our side.`] : []),
    ...(incident.peakSeverity !== incident.severity ? [`Severity peaked at ${incident.peakSeverity}.`] : []),
    `${failing} failing check cycle(s) were recorded.`,
  ];
}

export interface PostmortemOptions {
  /** The latency and outcome chart stored beside the draft (a relative file name), linked from it. */
  chartFile?: string;
}

/**
 * The seeds' postmortem template filled from stored facts: the incident's timeline and the results
 * in its window. Pure, so it can be redrafted from storage at any time.
 */
export function draftPostmortem(
  incident: Incident,
  results: readonly StoredResult[],
  options: PostmortemOptions = {},
): string {
  const end = incident.resolvedAt ?? incident.timeline.at(-1)?.at ?? incident.openedAt;
  const spec = CAUSE_SPECS[incident.cause];
  const failing = results.filter(({ result }) => result.verdict.severity !== null);
  const detectionMinutes = minutes(incident.firstFailureAt, incident.openedAt);
  const timeline = [
    `- ${hhmm(incident.firstFailureAt)} — First failing check detected by monitoring`,
    ...incident.timeline.map(
      (entry) =>
        `- ${hhmm(entry.at)} — ${entry.event}: ${entry.severity} ${entry.cause}, status ${entry.status} (${entry.resultKey})`,
    ),
  ];
  const vendorSaid = incident.vendorIncidents.length
    ? `The vendor's status page reported: ${incident.vendorIncidents.map((name) => `"${name}"`).join(', ')}.`
    : "The vendor's status page reported no incident.";
  const actionItems = [...(ACTION_ITEMS[incident.cause] ?? []), 'Review this draft and assign owners'];
  const evidenceKeys = failing.length
    ? failing.slice(0, MAX_EVIDENCE_KEYS).map(({ key }) => `- ${key}`)
    : ['- (no stored results in the window)'];
  if (failing.length > MAX_EVIDENCE_KEYS) {
    evidenceKeys.push(
      `- … and ${failing.length - MAX_EVIDENCE_KEYS} more under results/vendor=${incident.vendor}/`,
    );
  }
  return [
    `## Incident: ${incident.vendor} ${spec.headline}`,
    `**Incident:** ${incident.id}`,
    `**Date:** ${incident.openedAt.slice(0, 10)}`,
    `**Duration:** ${duration(incident.firstFailureAt, end)}`,
    `**Severity:** ${incident.peakSeverity}`,
    `**Impact:** ${spec.impact}`,
    '',
    ...(options.chartFile ? [`![latency and outcomes](${options.chartFile})`, ''] : []),
    '### Timeline (UTC)',
    ...timeline,
    '',
    '### Root Cause',
    `${spec.headline} (${incident.cause}), ${incident.side} side. Last seen: ${incident.summary}`,
    vendorSaid,
    '',
    '### What Went Well',
    ...wentWell(incident, detectionMinutes).map((line) => `- ${line}`),
    '',
    '### What Went Wrong',
    ...wentWrong(incident, failing.length, detectionMinutes).map((line) => `- ${line}`),
    '',
    '### Action Items',
    ...actionItems.map((item) => `- [ ] ${item} — @owner — due date`),
    '',
    '### Evidence',
    ...evidenceKeys,
    '',
  ].join('\n');
}
