import { CAUSE_SPECS } from './causes.ts';
import type { IncidentChange } from './incident-state.ts';
import type { IncidentEvent, Notification, PublicIncidentEvent, Topic } from './notification.ts';

const SUBJECT_LIMIT = 99;
const EVENT_WORDS: Record<string, string> = {
  escalated: 'escalated',
  deescalated: 'de-escalated',
  reminder: 'still open',
};

const utc = (iso: string): string => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/** SNS rejects a subject that is not printable ASCII, starts with a space, or is 100 characters or more. */
const snsSubject = (subject: string): string =>
  subject
    .replace(/[^\x20-\x7e]/g, '?')
    .trim()
    .slice(0, SUBJECT_LIMIT);

/** `[P1] miro vendor_outage INVESTIGATING`: short, ASCII, filterable by eye in an inbox. */
export function subjectFor(change: IncidentChange): string {
  const { incident, event, previousSeverity } = change;
  const movement = EVENT_WORDS[event];
  const suffix = movement ? ` (${movement}${previousSeverity ? ` from ${previousSeverity}` : ''})` : '';
  return snsSubject(
    `[${incident.severity}] ${incident.vendor} ${incident.cause} ${incident.status}${suffix}`,
  );
}

function nextUpdate(change: IncidentChange, reminderMinutes: number): string {
  const { incident, at } = change;
  if (incident.status === 'RESOLVED') return 'none: resolved.';
  if (incident.severity === 'P1' || incident.severity === 'P2') {
    return `${utc(new Date(Date.parse(at) + reminderMinutes * 60_000).toISOString())} at the latest, or on the next change.`;
  }
  return 'on the next change.';
}

/** The seeds' internal template: what on-call needs to act, including our own vocabulary. */
function pagerText(change: IncidentChange, evidenceKey: string, reminderMinutes: number): string {
  const { incident } = change;
  const spec = CAUSE_SPECS[incident.cause];
  const vendorSays = incident.vendorIncidents.length
    ? incident.vendorIncidents.map((name) => `"${name}"`).join(', ')
    : 'nothing';
  return [
    `${incident.severity} INCIDENT: ${incident.vendor} integration (${change.event})`,
    `Status: ${incident.status}`,
    `Impact: ${incident.status === 'RESOLVED' ? `none now (was: ${spec.impact})` : spec.impact}`,
    `Root cause: ${spec.headline} (${incident.cause}), ${incident.side === 'unknown' ? 'side unknown' : `${incident.side} side`}: ${incident.summary}`,
    `Action: ${incident.status === 'RESOLVED' ? 'review the postmortem draft.' : incident.action}`,
    `Vendor status page says: ${vendorSays}`,
    `Evidence: ${evidenceKey}`,
    `Opened: ${utc(incident.openedAt)}${incident.resolvedAt ? `; resolved: ${utc(incident.resolvedAt)}` : ''}`,
    `Incident: ${incident.id}`,
    `Next update: ${nextUpdate(change, reminderMinutes)}`,
  ].join('\n');
}

const EXTERNAL_CAUSE: Record<string, string> = {
  vendor: 'an issue at our provider',
  ours: 'an issue on our side, which we are fixing',
  unknown: 'under investigation',
};

/** The seeds' external template: plain words for customers; no internals, codes, keys or secrets. */
function statusPageText(change: IncidentChange, vendorName: string): string {
  const { incident, at } = change;
  const resolved = incident.status === 'RESOLVED';
  const headline = resolved
    ? 'Resolved'
    : incident.severity === 'P1'
      ? 'Major Outage'
      : 'Degraded Performance';
  const body = resolved
    ? `The issue affecting our ${vendorName} integration has been resolved. Everything is working normally.`
    : incident.status === 'MONITORING'
      ? `A fix is in place for our ${vendorName} integration and we are monitoring the results.`
      : `We are experiencing issues with our ${vendorName} integration. Features that use ${vendorName} may be delayed or unavailable.`;
  return [
    `${vendorName} Integration - ${headline}`,
    '',
    body,
    ...(resolved
      ? []
      : [
          `Root cause: ${EXTERNAL_CAUSE[incident.side]}.`,
          'Workaround: changes will sync when the service recovers.',
        ]),
    `Last updated: ${utc(at)}`,
  ].join('\n');
}

function publicEvent({
  cause,
  side,
  summary,
  action,
  evidenceKey,
  ...lifecycle
}: IncidentEvent): PublicIncidentEvent {
  return lifecycle;
}

export interface RenderOptions {
  vendorName: string;
  reminderMinutes: number;
}

/** One change → the messages to publish: always the pager, and the status page when it is external. */
export function render(change: IncidentChange, options: RenderOptions): Notification[] {
  const { incident } = change;
  const event = {
    event: change.event,
    vendor: incident.vendor,
    incidentId: incident.id,
    severity: incident.severity,
    previousSeverity: change.previousSeverity,
    cause: incident.cause,
    side: incident.side,
    status: incident.status,
    at: change.at,
    openedAt: incident.openedAt,
    resolvedAt: incident.resolvedAt,
    summary: incident.summary,
    action: incident.action,
    evidenceKey: change.resultKey,
    dedupKey: change.dedupKey,
  };
  const attributes = {
    vendor: incident.vendor,
    severity: incident.severity,
    status: incident.status,
    event: change.event,
    incidentId: incident.id,
    dedupKey: change.dedupKey,
  };
  const subject = subjectFor(change);
  const topics: Topic[] = change.external ? ['pager', 'status-page'] : ['pager'];
  return topics.map((topic) =>
    topic === 'pager'
      ? {
          topic,
          subject,
          text: pagerText(change, change.resultKey, options.reminderMinutes),
          event,
          attributes,
        }
      : {
          topic,
          subject: snsSubject(
            `${options.vendorName} integration: ${incident.status === 'RESOLVED' ? 'resolved' : 'degraded'}`,
          ),
          text: statusPageText(change, options.vendorName),
          // No cause, side, summary, action or evidence key: the status page speaks to customers.
          event: publicEvent(event),
          attributes,
        },
  );
}
