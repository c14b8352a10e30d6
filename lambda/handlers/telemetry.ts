import type { EventName } from '../core/notification.ts';
import type { Cause, Severity } from '../core/vocabulary.ts';

/**
 * What the handlers tell CloudWatch, named once for both sides: the handlers emit it, the stack
 * (lib/monitor-metrics.ts, lib/monitor-log-queries.ts) alarms on it, graphs it and queries it.
 */

/** The Powertools namespace and service name; Powertools adds `service` as the metrics' only dimension. */
export const SERVICE = 'vendorwatch';

/**
 * The embedded-metric-format metrics, summed over vendors. None has a vendor dimension on purpose:
 * CloudWatch bills each (namespace, name, dimensions) series as a custom metric, so a vendor
 * dimension would add one per vendor every month. Per-vendor figures come from the log lines below.
 */
export const METRIC = {
  /** 1 per result stored. */
  probeCompleted: 'ProbeCompleted',
  /** Per result stored: 1 with a finding (any severity), 0 when healthy. */
  finding: 'Finding',
  /** Per result applied: 1 when its vendor has an incident open, 0 otherwise. */
  openIncidents: 'OpenIncidents',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** The messages of the structured log lines the dashboard's Logs Insights widgets read. */
export const LOG_MESSAGE = {
  resultStored: 'result stored',
  incidentEvent: 'incident event',
} as const;

/** The probe's line for every result stored (a type, not an interface: the logger takes it as attributes). */
export type ResultStoredLog = {
  vendor: string;
  key: string;
  /** Left out when healthy, so a query counting the field counts findings. */
  severity: Severity | undefined;
  cause: Cause;
  /** The whole cycle. */
  durationMs: number;
  /** The API call alone, when it was made and answered. */
  apiLatencyMs: number | undefined;
};

/** The state function's line for every incident event it records. */
export type IncidentEventLog = {
  vendor: string;
  incidentId: string;
  event: EventName;
  severity: Severity;
};
