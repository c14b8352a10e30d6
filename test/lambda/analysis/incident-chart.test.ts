import { describe, expect, it } from 'vitest';
import {
  incidentChartFile,
  incidentChartWindow,
  renderIncidentChart,
} from '../../../lambda/analysis/incident-chart.ts';
import type { Incident } from '../../../lambda/core/incident-state.ts';
import { draftPostmortem } from '../../../lambda/core/postmortem.ts';
import { incidentChartKey } from '../../../lambda/core/storage-layout.ts';
import { probeResult } from './evidence-fixtures.ts';

const START = Date.parse('2026-03-01T10:00:00.000Z');
const at = (minutes: number): string => new Date(START + minutes * 60_000).toISOString();

/** Healthy 10:00–10:09, failing 10:10–10:19 (503 at 900 ms), healthy again 10:20–10:24. */
const results = Array.from({ length: 25 }, (_, m) =>
  m >= 10 && m < 20
    ? probeResult('miro', at(m), {
        api: { outcome: 'fail', status: 503, latencyMs: 900 },
        verdict: { severity: 'P1', cause: 'vendor_errors', side: 'vendor' },
      })
    : probeResult('miro', at(m), { api: { outcome: 'pass', status: 200, latencyMs: 100 + m } }),
);

const incident: Incident = {
  id: 'miro-20260301T101100Z',
  vendor: 'miro',
  status: 'RESOLVED',
  severity: 'P1',
  peakSeverity: 'P1',
  cause: 'vendor_errors',
  side: 'vendor',
  summary: 'HTTP 503 <on every attempt> & more',
  action: 'a',
  firstFailureAt: at(10),
  openedAt: at(11),
  identifiedAt: at(12),
  monitoringAt: at(20),
  resolvedAt: at(22),
  lastReminderAt: at(20),
  vendorIncidents: [],
  announced: true,
  timeline: [],
};

const count = (svg: string, pattern: RegExp): number => svg.match(pattern)?.length ?? 0;

describe('renderIncidentChart', () => {
  const window = incidentChartWindow(incident, 10 * 60_000);
  const svg = renderIncidentChart(results, window);

  it('covers the margin before the first failure until resolution', () => {
    expect(window).toMatchObject({
      fromMs: START,
      toMs: Date.parse(at(22)),
      shaded: { fromMs: Date.parse(at(10)), toMs: Date.parse(at(20)) },
      markers: [
        { atMs: Date.parse(at(11)), label: 'opened' },
        { atMs: Date.parse(at(22)), label: 'resolved' },
      ],
    });
  });

  it('is a standalone SVG document with a title, one latency line and no scripts or links', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('<title>miro-20260301T101100Z: api latency and check outcomes (UTC)</title>');
    expect(count(svg, /data-series="api latency"/g)).toBe(1);
    expect(svg).not.toMatch(/<script|href=|url\(/);
  });

  it('draws each check as a band of outcome runs, only inside the window', () => {
    // api: pass 10:00–10:09, fail 10:10–10:19, pass 10:20–10:22 (results after resolution are outside).
    const apiBand = svg.slice(svg.indexOf('>api</text>'), svg.indexOf('>rate_limit</text>'));
    expect([...apiBand.matchAll(/data-outcome="(\w+)"/g)].map((match) => match[1])).toEqual([
      'pass',
      'fail',
      'pass',
    ]);
    expect(count(svg, /data-outcome="skip"/g)).toBe(1); // app_health, skipped throughout
    for (const name of ['status_page', 'api', 'rate_limit', 'token', 'app_health']) {
      expect(svg).toContain(`>${name}</text>`);
    }
  });

  it('marks the milestones and the failing span, and labels times in UTC', () => {
    expect(svg).toContain('>opened</text>');
    expect(svg).toContain('>resolved</text>');
    expect(svg).toContain('>failing</text>');
    expect(svg).toContain('>10:10</text>');
  });

  it('escapes text it is given', () => {
    const hostile = renderIncidentChart(results, { ...window, title: 'a <b> & "c"' });
    expect(hostile).toContain('a &lt;b&gt; &amp; &quot;c&quot;');
    expect(hostile).not.toContain('<b>');
  });

  it('copes with no results at all', () => {
    expect(renderIncidentChart([], window)).toMatch(/^<svg[\s\S]*<\/svg>$/);
  });
});

describe('the postmortem links its chart', () => {
  it('stores the chart beside the draft and links it by a relative name', () => {
    expect(incidentChartKey('miro', incident.id)).toBe('postmortems/vendor=miro/miro-20260301T101100Z.svg');
    const draft = draftPostmortem(incident, [], { chartFile: incidentChartFile(incident.id) });
    expect(draft).toContain('![latency and outcomes](miro-20260301T101100Z.svg)');
    expect(draftPostmortem(incident, [])).not.toContain('![');
  });
});
