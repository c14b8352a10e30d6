import { describe, expect, it } from 'vitest';
import { HEALTHY_VERDICT } from '../../../lambda/core/classify.ts';
import type { Incident, TimelineEntry } from '../../../lambda/core/incident-state.ts';
import { draftPostmortem, type StoredResult } from '../../../lambda/core/postmortem.ts';
import { resultKey } from '../../../lambda/core/storage-layout.ts';
import { CAUSES, type Cause, type Severity } from '../../../lambda/core/vocabulary.ts';

const START = Date.parse('2025-03-01T10:00:00.000Z');
const minute = (n: number): string => new Date(START + n * 60_000).toISOString();

const entry = (
  at: number,
  event: TimelineEntry['event'],
  status: TimelineEntry['status'],
  severity: Severity = 'P1',
): TimelineEntry => ({
  at: minute(at),
  event,
  status,
  severity,
  cause: 'vendor_outage',
  resultKey: resultKey('miro', minute(at), 'r'),
});

/** A P1 vendor outage: first failure 10:00, opened 10:01, identified 10:02, monitoring 10:40, resolved 10:42. */
function resolvedIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'miro-20250301T100100Z',
    vendor: 'miro',
    status: 'RESOLVED',
    severity: 'P1',
    peakSeverity: 'P1',
    cause: 'vendor_outage',
    side: 'vendor',
    summary: 'vendor outage: api answered 503 on every attempt',
    action: 'enable graceful degradation',
    firstFailureAt: minute(0),
    openedAt: minute(1),
    identifiedAt: minute(2),
    monitoringAt: minute(40),
    resolvedAt: minute(42),
    lastReminderAt: minute(40),
    vendorIncidents: [],
    announced: true,
    timeline: [
      entry(1, 'opened', 'INVESTIGATING'),
      entry(2, 'identified', 'IDENTIFIED'),
      entry(40, 'monitoring', 'MONITORING'),
      entry(42, 'resolved', 'RESOLVED'),
    ],
    ...overrides,
  };
}

/** One stored result a minute from 10:00, failing where `failing(index)` says so, healthy otherwise. */
function storedResults(count: number, failing: (index: number) => boolean): StoredResult[] {
  return Array.from({ length: count }, (_, index) => ({
    key: resultKey('miro', minute(index), `r${index}`),
    result: {
      vendor: 'miro',
      startedAt: minute(index),
      durationMs: 100,
      checks: [],
      verdict: failing(index)
        ? {
            severity: 'P1',
            cause: 'vendor_outage',
            side: 'vendor',
            summary: 's',
            action: 'a',
            confirmed: true,
          }
        : HEALTHY_VERDICT,
    },
  }));
}

const section = (draft: string, heading: string): string[] => {
  const lines = draft.split('\n');
  const start = lines.indexOf(`### ${heading}`);
  if (start === -1) throw new Error(`no section ${heading}`);
  const end = lines.findIndex((line, index) => index > start && line.startsWith('### '));
  return lines.slice(start + 1, end === -1 ? undefined : end).filter((line) => line !== '');
};

describe('draftPostmortem', () => {
  it("has every section of the seeds' template, in order", () => {
    const draft = draftPostmortem(
      resolvedIncident(),
      storedResults(45, (index) => index < 40),
    );

    const headings = draft.split('\n').filter((line) => /^(\*\*[A-Za-z]+:\*\*|### )/.test(line));
    expect(headings.map((line) => line.replace(/:\*\*.*$/, ':**'))).toEqual([
      '**Incident:**',
      '**Date:**',
      '**Duration:**',
      '**Severity:**',
      '**Impact:**',
      '### Timeline (UTC)',
      '### Root Cause',
      '### What Went Well',
      '### What Went Wrong',
      '### Action Items',
      '### Evidence',
    ]);
    expect(draft.split('\n')[0]).toBe('## Incident: miro vendor outage');
  });

  it.each<[string, string, string, string]>([
    ['minutes', '2025-03-01T10:00:00.000Z', '2025-03-01T10:42:00.000Z', '0 hours 42 minutes'],
    ['hours and minutes', '2025-03-01T10:00:00.000Z', '2025-03-01T12:05:00.000Z', '2 hours 5 minutes'],
    ['across midnight', '2025-03-01T23:30:00.000Z', '2025-03-02T01:00:00.000Z', '1 hour 30 minutes'],
    ['rounded to the minute', '2025-03-01T10:00:00.000Z', '2025-03-01T10:09:40.000Z', '0 hours 10 minutes'],
  ])(
    'computes the duration from the first failure to the resolution: %s',
    (_name, firstFailureAt, resolvedAt, duration) => {
      const draft = draftPostmortem(resolvedIncident({ firstFailureAt, resolvedAt }), []);

      expect(draft.split('\n')).toContain(`**Duration:** ${duration}`);
    },
  );

  it('gives the date it opened and the peak severity, not the severity it ended at', () => {
    const draft = draftPostmortem(resolvedIncident({ severity: 'P3', peakSeverity: 'P1' }), []);

    expect(draft.split('\n')).toEqual(expect.arrayContaining(['**Date:** 2025-03-01', '**Severity:** P1']));
  });

  it('tells the timeline in UTC from the first failing check through every event', () => {
    const draft = draftPostmortem(resolvedIncident(), []);

    const timeline = section(draft, 'Timeline (UTC)');
    expect(timeline.map((line) => line.slice(0, 9))).toEqual([
      '- 10:00 —',
      '- 10:01 —',
      '- 10:02 —',
      '- 10:40 —',
      '- 10:42 —',
    ]);
    expect(timeline[0]).toContain('First failing check');
    expect(timeline[1]).toContain(
      `opened: P1 vendor_outage, status INVESTIGATING (${resultKey('miro', minute(1), 'r')})`,
    );
    expect(timeline[4]).toContain('resolved');
  });

  it("names the vendor's own status-page incidents in Root Cause", () => {
    const draft = draftPostmortem(
      resolvedIncident({ vendorIncidents: ['Elevated API errors', 'Login failures'] }),
      [],
    );

    const rootCause = section(draft, 'Root Cause').join('\n');
    expect(rootCause).toContain('vendor outage (vendor_outage), vendor side');
    expect(rootCause).toContain('"Elevated API errors", "Login failures"');
  });

  it("says when the vendor's status page reported nothing", () => {
    const draft = draftPostmortem(resolvedIncident({ vendorIncidents: [] }), []);

    expect(section(draft, 'Root Cause').join('\n')).toContain('reported no incident');
  });

  it('lists the keys of the failing results as evidence, not the healthy ones', () => {
    const results = storedResults(6, (index) => index >= 2 && index < 4);

    const evidence = section(draftPostmortem(resolvedIncident(), results), 'Evidence');

    expect(evidence).toEqual([`- ${results[2]!.key}`, `- ${results[3]!.key}`]);
  });

  it('caps the evidence at 50 keys and says how many more there are and where', () => {
    const results = storedResults(80, () => true);

    const evidence = section(draftPostmortem(resolvedIncident(), results), 'Evidence');

    expect(evidence).toHaveLength(51);
    expect(evidence.slice(0, 50)).toEqual(results.slice(0, 50).map(({ key }) => `- ${key}`));
    expect(evidence[50]).toBe('- … and 30 more under results/vendor=miro/');
  });

  it('says so when no results were stored in the window', () => {
    expect(section(draftPostmortem(resolvedIncident(), []), 'Evidence')).toEqual([
      '- (no stored results in the window)',
    ]);
  });

  it.each<[Cause, RegExp]>([
    ['auth_expired', /token refresh/],
    ['scope_missing', /scope/],
    ['rate_limited', /Retry-After/],
    ['vendor_outage', /graceful degradation/],
    ['vendor_errors', /request ids/],
    ['quota_exhausted', /top-up|credit/],
    ['network', /egress/],
  ])('gives action items for the cause: %s', (cause, expected) => {
    const actionItems = section(draftPostmortem(resolvedIncident({ cause }), []), 'Action Items');

    expect(actionItems.join('\n')).toMatch(expected);
    expect(actionItems.every((item) => /^- \[ \] .+ — @owner — due date$/.test(item))).toBe(true);
    expect(actionItems.at(-1)).toBe('- [ ] Review this draft and assign owners — @owner — due date');
  });

  it('has cause-specific action items for every cause an incident can have', () => {
    const itemsByCause = CAUSES.filter((cause) => cause !== 'ok').map(
      (cause) => section(draftPostmortem(resolvedIncident({ cause }), []), 'Action Items').length,
    );

    expect(itemsByCause.every((count) => count >= 2)).toBe(true);
  });

  it('counts the failing cycles and calls out our side, slow detection and a severity that peaked higher', () => {
    const incident = resolvedIncident({
      side: 'ours',
      cause: 'auth_expired',
      firstFailureAt: minute(0),
      openedAt: minute(8),
      severity: 'P2',
      peakSeverity: 'P1',
    });

    const wrong = section(
      draftPostmortem(
        incident,
        storedResults(20, (index) => index < 12),
      ),
      'What Went Wrong',
    );

    expect(wrong).toEqual([
      '- Detection took 8 minutes.',
      '- The cause (auth_expired) was on our side.',
      '- Severity peaked at P1.',
      '- 12 failing check cycle(s) were recorded.',
    ]);
  });

  it('credits detection time and identification in What Went Well', () => {
    const well = section(draftPostmortem(resolvedIncident(), []), 'What Went Well');

    expect(well).toEqual(
      expect.arrayContaining([
        '- Monitoring opened the incident 1 minute(s) after the first failing check.',
        '- The cause was identified at 10:02 UTC.',
      ]),
    );
  });
});
