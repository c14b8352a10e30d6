import type { Cause, Severity, Side } from './vocabulary.ts';

export type Topic = 'pager' | 'status-page';

export const EVENT_NAMES = [
  'opened',
  'escalated',
  'deescalated',
  'identified',
  'monitoring',
  'reminder',
  'resolved',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];
export type IncidentStatus = 'INVESTIGATING' | 'IDENTIFIED' | 'MONITORING' | 'RESOLVED';

/** The machine-readable event delivered to https/lambda/sqs subscribers. */
export interface IncidentEvent {
  event: EventName;
  vendor: string;
  incidentId: string;
  severity: Severity;
  previousSeverity: Severity | null;
  cause: Cause;
  side: Side;
  status: IncidentStatus;
  at: string;
  openedAt: string;
  resolvedAt: string | null;
  summary: string;
  action: string;
  evidenceKey: string | null;
  dedupKey: string;
}

/** What the status page's machine subscribers get: the incident's lifecycle, none of our internal words. */
export type PublicIncidentEvent = Pick<
  IncidentEvent,
  | 'event'
  | 'vendor'
  | 'incidentId'
  | 'severity'
  | 'previousSeverity'
  | 'status'
  | 'at'
  | 'openedAt'
  | 'resolvedAt'
  | 'dedupKey'
>;

/** One message for one topic, rendered and ready to publish; also the local outbox file's content. */
export interface Notification {
  topic: Topic;
  subject: string;
  text: string;
  event: IncidentEvent | PublicIncidentEvent;
  attributes: Record<'vendor' | 'severity' | 'status' | 'event' | 'incidentId' | 'dedupKey', string>;
}
