import type { Incident } from '../core/incident-state.ts';
import { CHECK_NAMES, type Outcome, type ProbeResult } from '../core/vocabulary.ts';
import {
  element,
  type Frame,
  linearScale,
  linePath,
  niceTicks,
  svgDocument,
  text,
  timeTicks,
  xAxis,
  yAxis,
} from './svg.ts';

/**
 * The picture a postmortem needs: the API's latency over the incident and the margin around it,
 * with every check's outcome per cycle underneath, the failing span shaded and the incident's
 * milestones marked. Pure: results in, SVG text out.
 */

export interface ChartWindow {
  fromMs: number;
  toMs: number;
  title: string;
  /** The span shaded as trouble (first failure until recovery began). */
  shaded?: { fromMs: number; toMs: number; label: string };
  markers?: readonly { atMs: number; label: string }[];
}

/** The chart stored beside a postmortem, linked from it by this relative name. */
export const incidentChartFile = (incidentId: string): string => `${incidentId}.svg`;

/** The window of an incident's chart: `marginMs` before the first failure until it resolved (or now). */
export function incidentChartWindow(incident: Incident, marginMs: number, nowMs = Date.now()): ChartWindow {
  const end = Date.parse(incident.resolvedAt ?? new Date(nowMs).toISOString());
  const failingUntil = incident.monitoringAt ? Date.parse(incident.monitoringAt) : end;
  const markers = [
    { atMs: Date.parse(incident.openedAt), label: 'opened' },
    ...(incident.resolvedAt ? [{ atMs: end, label: 'resolved' }] : []),
  ];
  return {
    fromMs: Date.parse(incident.firstFailureAt) - marginMs,
    toMs: end,
    title: `${incident.id}: api latency and check outcomes (UTC)`,
    shaded: {
      fromMs: Date.parse(incident.firstFailureAt),
      toMs: Math.max(failingUntil, Date.parse(incident.firstFailureAt)),
      label: 'failing',
    },
    markers,
  };
}

export const OUTCOME_COLOURS: Record<Outcome, string> = {
  pass: '#59a14f',
  warn: '#edc948',
  fail: '#e15759',
  skip: '#d0d0d0',
};

const BAND_HEIGHT = 14;
const BAND_GAP = 4;

/** Consecutive cycles with the same outcome drawn as one rectangle: long incidents stay small. */
function outcomeRuns(
  cycles: readonly { startMs: number; endMs: number; outcome: Outcome | null }[],
): { startMs: number; endMs: number; outcome: Outcome }[] {
  const runs: { startMs: number; endMs: number; outcome: Outcome }[] = [];
  for (const cycle of cycles) {
    if (cycle.outcome === null) continue;
    const last = runs.at(-1);
    if (last && last.outcome === cycle.outcome && last.endMs === cycle.startMs) last.endMs = cycle.endMs;
    else runs.push({ startMs: cycle.startMs, endMs: cycle.endMs, outcome: cycle.outcome });
  }
  return runs;
}

export function renderIncidentChart(results: readonly ProbeResult[], window: ChartWindow): string {
  const sorted = results
    .map((result) => ({ result, atMs: Date.parse(result.startedAt) }))
    .filter(({ atMs }) => atMs >= window.fromMs && atMs <= window.toMs)
    .sort((a, b) => a.atMs - b.atMs);
  const checkNames = CHECK_NAMES.filter((name) =>
    sorted.some(({ result }) => result.checks.some((c) => c.name === name)),
  );
  const bandsHeight = checkNames.length * (BAND_HEIGHT + BAND_GAP);
  const latencyBottom = 200;
  const bandsTop = latencyBottom + 16;
  const axisY = bandsTop + bandsHeight;
  // Below the axis: its labels, then the outcome legend.
  const frame: Frame = { width: 900, height: axisY + 50, left: 84, right: 20, top: 40, bottom: 0 };
  const x = linearScale([window.fromMs, window.toMs], [frame.left, frame.width - frame.right]);

  const latencies = sorted.map(
    ({ result }) => result.checks.find((c) => c.name === 'api')?.latencyMs ?? null,
  );
  const yTicks = niceTicks(0, Math.max(1, ...latencies.filter((v): v is number => v !== null)), 4);
  const y = linearScale([0, yTicks.at(-1)!], [latencyBottom, frame.top + 14]);
  const points = sorted.map(({ atMs }, index) => {
    const latency = latencies[index];
    return latency === null || latency === undefined ? null : { x: x(atMs), y: y(latency) };
  });

  // Each cycle's outcome holds until the next cycle starts; the last one for a typical interval.
  const steps = sorted.slice(1).map(({ atMs }, index) => atMs - sorted[index]!.atMs);
  const typicalStep = steps.length ? steps.sort((a, b) => a - b)[Math.floor(steps.length / 2)]! : 60_000;
  const bands = checkNames.map((name, row) => {
    const cycles = sorted.map(({ result, atMs }, index) => ({
      startMs: atMs,
      endMs: Math.min(sorted[index + 1]?.atMs ?? atMs + typicalStep, window.toMs),
      outcome: result.checks.find((c) => c.name === name)?.outcome ?? null,
    }));
    const top = bandsTop + row * (BAND_HEIGHT + BAND_GAP);
    return (
      text(name, { x: frame.left - 6, y: top + 11, 'text-anchor': 'end', class: 'tick' }) +
      outcomeRuns(cycles)
        .map((run) =>
          element('rect', {
            x: x(run.startMs),
            y: top,
            width: Math.max(1, x(run.endMs) - x(run.startMs)),
            height: BAND_HEIGHT,
            fill: OUTCOME_COLOURS[run.outcome],
            'data-outcome': run.outcome,
          }),
        )
        .join('')
    );
  });

  const shaded = window.shaded
    ? element('rect', {
        x: x(window.shaded.fromMs),
        y: frame.top,
        width: Math.max(1, x(window.shaded.toMs) - x(window.shaded.fromMs)),
        height: axisY - frame.top,
        fill: '#e15759',
        'fill-opacity': 0.08,
      }) + text(window.shaded.label, { x: x(window.shaded.fromMs) + 4, y: frame.top + 12, class: 'label' })
    : '';
  const markers = (window.markers ?? []).map((marker) => {
    // A label near the right edge goes on the line's left, where there is room for it.
    const onLeft = x(marker.atMs) > frame.width - frame.right - 80;
    return (
      element('line', {
        x1: x(marker.atMs),
        x2: x(marker.atMs),
        y1: frame.top,
        y2: axisY,
        stroke: '#555',
        'stroke-dasharray': '4 3',
      }) +
      text(marker.label, {
        x: x(marker.atMs) + (onLeft ? -4 : 4),
        y: frame.top + 26,
        'text-anchor': onLeft ? 'end' : 'start',
        class: 'label',
      })
    );
  });
  const legend = (Object.keys(OUTCOME_COLOURS) as Outcome[]).map(
    (outcome, index) =>
      element('rect', {
        x: frame.left + index * 80,
        y: axisY + 26,
        width: 12,
        height: 12,
        fill: OUTCOME_COLOURS[outcome],
      }) + text(outcome, { x: frame.left + index * 80 + 18, y: axisY + 36, class: 'label' }),
  );

  return svgDocument(
    frame,
    window.title,
    'incident',
    [
      text(window.title, { x: frame.left, y: 22, class: 'title' }),
      shaded,
      yAxis(frame, y, yTicks, (value) => `${value} ms`),
      element('path', {
        d: linePath(points),
        fill: 'none',
        stroke: '#4e79a7',
        'stroke-width': 2,
        'data-series': 'api latency',
      }),
      ...bands,
      ...markers,
      element('line', { x1: frame.left, x2: frame.width - frame.right, y1: axisY, y2: axisY, class: 'axis' }),
      xAxis(x, timeTicks(window.fromMs, window.toMs), axisY),
      ...legend,
    ].join(''),
  );
}
