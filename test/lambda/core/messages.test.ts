import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CAUSE_SPECS } from '../../../lambda/core/causes.ts';
import type { Incident, IncidentChange } from '../../../lambda/core/incident-state.ts';
import { render, subjectFor } from '../../../lambda/core/messages.ts';
import {
  EVENT_NAMES,
  type EventName,
  type IncidentStatus,
  type Notification,
} from '../../../lambda/core/notification.ts';
import { CAUSES, type Cause, SEVERITIES, type Severity, type Side } from '../../../lambda/core/vocabulary.ts';

const OPENED_AT = '2025-03-01T10:02:00.000Z';
const RESULT_KEY = 'results/vendor=miro/date=2025-03-01/hour=10/1740823320000-a1b2c3.json';
const OPTIONS = { vendorName: 'Miro', reminderMinutes: 30 };

const EVENTS = EVENT_NAMES;
const STATUSES: IncidentStatus[] = ['INVESTIGATING', 'IDENTIFIED', 'MONITORING', 'RESOLVED'];
const SIDES: Side[] = ['vendor', 'ours', 'unknown'];
const INCIDENT_CAUSES = CAUSES.filter((cause) => cause !== 'ok');

function incident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'miro-20250301T100200Z',
    vendor: 'miro',
    status: 'INVESTIGATING',
    severity: 'P1',
    peakSeverity: 'P1',
    cause: 'vendor_outage',
    side: 'vendor',
    summary: 'vendor outage: api answered 503 on every attempt; status page major',
    action: CAUSE_SPECS.vendor_outage.action({
      authKind: 'token',
      side: 'vendor',
      retryAfterSeconds: null,
      missingScopes: [],
    }),
    firstFailureAt: '2025-03-01T10:01:00.000Z',
    openedAt: OPENED_AT,
    identifiedAt: null,
    monitoringAt: null,
    resolvedAt: null,
    lastReminderAt: OPENED_AT,
    vendorIncidents: [],
    announced: true,
    timeline: [],
    ...overrides,
  };
}

function change(
  event: EventName,
  overrides: Partial<Incident> = {},
  more: Partial<IncidentChange> = {},
): IncidentChange {
  const subject = incident(overrides);
  return {
    event,
    at: OPENED_AT,
    previousSeverity: null,
    incident: subject,
    resultKey: RESULT_KEY,
    dedupKey: `${subject.id}:${event}:${Date.parse(OPENED_AT)}`,
    external: true,
    ...more,
  };
}

const onTopic = (notifications: Notification[], topic: Notification['topic']): Notification => {
  const found = notifications.find((notification) => notification.topic === topic);
  if (!found) throw new Error(`no ${topic} notification`);
  return found;
};

describe('subjectFor', () => {
  it.each<[EventName, Severity, IncidentStatus, Severity | null, string]>([
    ['opened', 'P1', 'INVESTIGATING', null, '[P1] miro vendor_outage INVESTIGATING'],
    ['identified', 'P1', 'IDENTIFIED', null, '[P1] miro vendor_outage IDENTIFIED'],
    ['escalated', 'P1', 'IDENTIFIED', 'P2', '[P1] miro vendor_outage IDENTIFIED (escalated from P2)'],
    ['deescalated', 'P3', 'IDENTIFIED', 'P1', '[P3] miro vendor_outage IDENTIFIED (de-escalated from P1)'],
    ['reminder', 'P2', 'INVESTIGATING', null, '[P2] miro vendor_outage INVESTIGATING (still open)'],
    ['monitoring', 'P1', 'MONITORING', null, '[P1] miro vendor_outage MONITORING'],
    ['resolved', 'P1', 'RESOLVED', null, '[P1] miro vendor_outage RESOLVED'],
  ])('%s %s %s → %s', (event, severity, status, previousSeverity, expected) => {
    expect(subjectFor(change(event, { severity, status }, { previousSeverity }))).toBe(expected);
  });

  it('keeps both topics under 100 printable ASCII characters for any vendor id, name, cause and event', () => {
    // SNS: printable ASCII, starting with a letter, digit or punctuation, under 100 characters.
    const snsSubject = /^[\x21-\x7e][\x20-\x7e]{0,98}$/;
    fc.assert(
      fc.property(
        fc.record({
          vendor: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 120 }),
          vendorName: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 120 }),
          cause: fc.constantFrom(...INCIDENT_CAUSES),
          severity: fc.constantFrom(...SEVERITIES),
          previousSeverity: fc.option(fc.constantFrom(...SEVERITIES)),
          status: fc.constantFrom(...STATUSES),
          event: fc.constantFrom(...EVENTS),
        }),
        ({ vendor, vendorName, cause, severity, previousSeverity, status, event }) => {
          const subject = change(
            event,
            { vendor, id: `${vendor}-20250301T100200Z`, cause, severity, status },
            { previousSeverity },
          );

          const subjects = render(subject, { vendorName, reminderMinutes: 30 }).map(
            (notification) => notification.subject,
          );

          expect(subjects).toHaveLength(2);
          for (const line of subjects) expect(line).toMatch(snsSubject);
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });
});

describe('render: the pager message (internal template)', () => {
  it.each(EVENTS)('has every line of the template for %s', (event) => {
    const status: IncidentStatus =
      event === 'resolved' ? 'RESOLVED' : event === 'monitoring' ? 'MONITORING' : 'IDENTIFIED';

    const pager = onTopic(render(change(event, { status }), OPTIONS), 'pager');

    const lines = pager.text.split('\n');
    expect(lines[0]).toBe(`P1 INCIDENT: miro integration (${event})`);
    for (const label of ['Status', 'Impact', 'Root cause', 'Action', 'Evidence', 'Next update']) {
      expect(lines.filter((line) => line.startsWith(`${label}: `))).toHaveLength(1);
    }
    expect(lines).toContain(`Status: ${status}`);
    expect(lines).toContain(`Evidence: ${RESULT_KEY}`);
  });

  it('names the cause, the side, the summary and the runbook action', () => {
    const subject = change('opened', {
      cause: 'auth_expired',
      side: 'ours',
      summary: 'auth expired: api 401',
      action: 'Refresh the token.',
    });

    const { text } = onTopic(render(subject, OPTIONS), 'pager');

    expect(text).toContain('Root cause: auth expired (auth_expired), ours side: auth expired: api 401');
    expect(text).toContain('Action: Refresh the token.');
    expect(text).toContain(`Impact: ${CAUSE_SPECS.auth_expired.impact}`);
  });

  it("quotes the vendor's own status-page incidents", () => {
    const subject = change('opened', { vendorIncidents: ['Elevated API errors', 'Login failures'] });

    const { text } = onTopic(render(subject, OPTIONS), 'pager');

    expect(text).toContain('Vendor status page says: "Elevated API errors", "Login failures"');
  });

  it.each<[string, Severity, IncidentStatus, string]>([
    [
      'a P1 promises the next update within reminderMinutes',
      'P1',
      'IDENTIFIED',
      '2025-03-01 10:32 UTC at the latest, or on the next change.',
    ],
    [
      'a P2 promises the next update within reminderMinutes',
      'P2',
      'INVESTIGATING',
      '2025-03-01 10:32 UTC at the latest, or on the next change.',
    ],
    ['a P3 is updated on the next change', 'P3', 'IDENTIFIED', 'on the next change.'],
    ['a P4 is updated on the next change', 'P4', 'MONITORING', 'on the next change.'],
    ['a resolved incident has no next update', 'P1', 'RESOLVED', 'none: resolved.'],
  ])('%s', (_name, severity, status, nextUpdate) => {
    const { text } = onTopic(render(change('reminder', { severity, status }), OPTIONS), 'pager');

    expect(text.split('\n')).toContain(`Next update: ${nextUpdate}`);
  });
});

describe('render: the status-page message (external template)', () => {
  it('gives machine subscribers the lifecycle only: no cause, side, summary, action or evidence key', () => {
    const { event } = onTopic(render(change('opened', { severity: 'P1' }), OPTIONS), 'status-page');

    expect(Object.keys(event).sort()).toEqual([
      'at',
      'dedupKey',
      'event',
      'incidentId',
      'openedAt',
      'previousSeverity',
      'resolvedAt',
      'severity',
      'status',
      'vendor',
    ]);
  });

  it('never carries the cause code, the result key, the summary, the action or the word "ours"', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...INCIDENT_CAUSES),
        fc.constantFrom(...SIDES),
        fc.constantFrom<Severity>('P1', 'P2'),
        fc.constantFrom(...STATUSES),
        fc.constantFrom<EventName>('opened', 'escalated', 'monitoring', 'resolved'),
        (cause: Cause, side, severity, status, event) => {
          const summary = `${CAUSE_SPECS[cause].headline}: api answered 503 on every attempt`;
          const action = CAUSE_SPECS[cause].action({
            authKind: 'token',
            side,
            retryAfterSeconds: 30,
            missingScopes: ['boards:read'],
          });
          const subject = change(event, { cause, side, severity, status, summary, action });

          const statusPage = onTopic(render(subject, OPTIONS), 'status-page');

          for (const text of [statusPage.text, statusPage.subject]) {
            expect(text).not.toContain(cause);
            expect(text).not.toContain(RESULT_KEY);
            expect(text).not.toContain(summary);
            expect(text).not.toContain(action);
            expect(text).not.toMatch(/\bours\b/i);
          }
          for (const internal of ['cause', 'side', 'summary', 'action', 'evidenceKey']) {
            expect(statusPage.event).not.toHaveProperty(internal);
          }
        },
      ),
      { seed: 11, numRuns: 200 },
    );
  });

  it.each<[string, Severity, IncidentStatus, string, string]>([
    [
      'a P1 is a major outage',
      'P1',
      'INVESTIGATING',
      'Miro Integration - Major Outage',
      'We are experiencing issues',
    ],
    [
      'a P2 is degraded performance',
      'P2',
      'IDENTIFIED',
      'Miro Integration - Degraded Performance',
      'We are experiencing issues',
    ],
    [
      'monitoring says a fix is in place',
      'P1',
      'MONITORING',
      'Miro Integration - Major Outage',
      'A fix is in place',
    ],
    [
      'resolved says everything works',
      'P1',
      'RESOLVED',
      'Miro Integration - Resolved',
      'Everything is working normally',
    ],
  ])('%s', (_name, severity, status, headline, body) => {
    const { text } = onTopic(render(change('opened', { severity, status }), OPTIONS), 'status-page');

    expect(text.split('\n')[0]).toBe(headline);
    expect(text).toContain(body);
    expect(text).toContain('Last updated: 2025-03-01 10:02 UTC');
  });

  it.each<[Side, string]>([
    ['vendor', 'Root cause: an issue at our provider.'],
    ['ours', 'Root cause: an issue on our side, which we are fixing.'],
    ['unknown', 'Root cause: under investigation.'],
  ])('words the %s side for customers', (side, line) => {
    const { text } = onTopic(render(change('opened', { side }), OPTIONS), 'status-page');

    expect(text.split('\n')).toContain(line);
  });
});

describe('render: topics and attributes', () => {
  it('publishes to the pager always, and to the status page only when the change is external', () => {
    const internal = render(change('reminder', {}, { external: false }), OPTIONS);
    const external = render(change('opened', {}, { external: true }), OPTIONS);

    expect(internal.map((notification) => notification.topic)).toEqual(['pager']);
    expect(external.map((notification) => notification.topic)).toEqual(['pager', 'status-page']);
  });

  it.each(EVENTS)('gives every %s message the filterable attributes as strings', (event) => {
    const subject = change(event, { severity: 'P2', status: 'IDENTIFIED' });

    const notifications = render(subject, OPTIONS);

    for (const { attributes, event: payload } of notifications) {
      expect(attributes).toEqual({
        vendor: 'miro',
        severity: 'P2',
        status: 'IDENTIFIED',
        event,
        incidentId: 'miro-20250301T100200Z',
        dedupKey: subject.dedupKey,
      });
      for (const value of Object.values(attributes)) expect(typeof value).toBe('string');
      expect(payload).toMatchObject({
        event,
        incidentId: attributes.incidentId,
        dedupKey: attributes.dedupKey,
      });
    }
  });

  it('gives the pager the evidence key and the internal words', () => {
    const subject = change('opened');

    const pager = onTopic(render(subject, OPTIONS), 'pager');

    expect(pager.event).toMatchObject({
      evidenceKey: RESULT_KEY,
      summary: subject.incident.summary,
      action: subject.incident.action,
      openedAt: OPENED_AT,
      resolvedAt: null,
    });
  });
});
