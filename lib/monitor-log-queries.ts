import { type IncidentEventLog, LOG_MESSAGE, type ResultStoredLog } from '../lambda/handlers/telemetry.ts';

/**
 * Logs Insights queries over the handlers' structured log lines (lambda/handlers/telemetry.ts): the
 * per-vendor figures that would cost a custom metric per vendor each month if they were metrics.
 * Each query is a list of commands, joined with `|` by the dashboard widget.
 */

/** A field of a log line, checked against the line's type: renaming it in the handler fails here. */
const resultField = <K extends keyof ResultStoredLog>(name: K): K => name;
const incidentField = <K extends keyof IncidentEventLog>(name: K): K => name;

/** The field the probe's log group indexes and the per-vendor queries filter on. */
export const VENDOR_FIELD = resultField('vendor');

const SEVERITY = resultField('severity');
const API_LATENCY = resultField('apiLatencyMs');
const RESULTS = `filter message = "${LOG_MESSAGE.resultStored}"`;
/** Vendor ids are lowercase letters, digits and dashes (the config schema): safe inside quotes. */
const resultsOf = (vendorId: string) => `${RESULTS} and ${VENDOR_FIELD} = "${vendorId}"`;
/** A healthy result's line has no severity: counting the field counts findings. */
const FINDINGS = `count(${SEVERITY}) as findings`;

/** One vendor's API latency over time. */
export function vendorLatencyQuery(vendorId: string, binMinutes: number): string[] {
  return [
    resultsOf(vendorId),
    `stats pct(${API_LATENCY}, 50) as p50, pct(${API_LATENCY}, 95) as p95 by bin(${binMinutes}m)`,
  ];
}

/** One vendor's probes and findings over time. */
export function vendorOutcomesQuery(vendorId: string, binMinutes: number): string[] {
  return [resultsOf(vendorId), `stats count(*) as probes, ${FINDINGS} by bin(${binMinutes}m)`];
}

/** Every vendor in one row each: a silent vendor shows as missing or with an old last result. */
export const VENDORS_SUMMARY_QUERY = [
  RESULTS,
  `stats count(*) as probes, ${FINDINGS}, pct(${API_LATENCY}, 95) as apiP95Ms, latest(${resultField('cause')}) as lastCause, max(@timestamp) as lastResult by ${VENDOR_FIELD}`,
  `sort ${VENDOR_FIELD} asc`,
];

/** Each vendor's latest incident event: anything but `resolved` means an incident is open. */
export const INCIDENTS_BY_VENDOR_QUERY = [
  `filter message = "${LOG_MESSAGE.incidentEvent}"`,
  `stats latest(${incidentField('event')}) as lastEvent, latest(${incidentField('severity')}) as severity, latest(${incidentField('incidentId')}) as incident, max(@timestamp) as at by ${incidentField('vendor')}`,
  'sort at desc',
];

/**
 * What the Lambda runtime logs when a handler throws or times out: which vendor a probe failed for
 * (a missing secret names it), behind the function error alarms that are not per vendor.
 */
export const FUNCTION_FAILURES_QUERY = [
  'filter @message like /Invoke Error|Task timed out/',
  'fields @timestamp, @log, @message',
  'sort @timestamp desc',
  'limit 20',
];
