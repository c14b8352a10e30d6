/**
 * Just enough SVG for vendorwatch's charts: escaped elements, scales, ticks, axes and a line chart.
 * Output is plain markup with no scripts or external references, so it can be inlined in HTML,
 * stored beside a postmortem and opened from S3 as is.
 */

export type Attributes = Record<string, string | number | undefined>;

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (char) => XML_ESCAPES[char]!);

/** Coordinates to one decimal: enough for a screen, and it keeps long charts small. */
const coordinate = (value: number): string => String(Math.round(value * 10) / 10);

export function element(tag: string, attributes: Attributes, ...children: string[]): string {
  const attrs = Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeXml(typeof value === 'number' ? coordinate(value) : value)}"`)
    .join('');
  return children.length === 0 ? `<${tag}${attrs}/>` : `<${tag}${attrs}>${children.join('')}</${tag}>`;
}

export const text = (content: string, attributes: Attributes): string =>
  element('text', attributes, escapeXml(content));

export type Scale = (value: number) => number;

export function linearScale([d0, d1]: [number, number], [r0, r1]: [number, number]): Scale {
  const span = d1 - d0 || 1;
  return (value) => r0 + ((value - d0) / span) * (r1 - r0);
}

/**
 * Round tick values (1, 2 or 5 times a power of ten), about `count` of them, from a tick at or
 * below `min` to one at or above `max`: the first and last make a domain that shows every value.
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (max <= min) return [min, min + 1];
  const rough = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough)!;
  const ticks: number[] = [];
  const last = Math.ceil(max / step - 1e-9) * step;
  for (let value = Math.floor(min / step + 1e-9) * step; value <= last + step * 1e-9; value += step) {
    ticks.push(Number(value.toFixed(10)));
  }
  return ticks;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [1, 2, 5, 10, 15, 30]
  .map((m) => m * MINUTE)
  .concat(
    [1, 2, 3, 6, 12].map((h) => h * HOUR),
    [1, 2, 7, 14].map((d) => d * DAY),
  );

/**
 * Tick instants on whole steps (UTC), about `count` of them, each labelled `HH:MM` within a day,
 * `MM-DD` across days, `YYYY-MM-DD` across years.
 */
export function timeTicks(fromMs: number, toMs: number, count = 8): { at: number; label: string }[] {
  const span = toMs - fromMs;
  // Past the longest listed step, whole days: a window of months still gets about `count` ticks.
  const step =
    TIME_STEPS.find((candidate) => span / candidate <= count) ?? Math.ceil(span / count / DAY) * DAY;
  const acrossYears = new Date(fromMs).getUTCFullYear() !== new Date(toMs).getUTCFullYear();
  const [start, end] = step < DAY ? [11, 16] : acrossYears ? [0, 10] : [5, 10];
  const ticks: { at: number; label: string }[] = [];
  for (let at = Math.ceil(fromMs / step) * step; at <= toMs; at += step) {
    ticks.push({ at, label: new Date(at).toISOString().slice(start, end) });
  }
  return ticks;
}

/** A path through the points, broken where a point is missing (no data is not a straight line). */
export function linePath(points: readonly ({ x: number; y: number } | null)[]): string {
  let path = '';
  let drawing = false;
  for (const point of points) {
    if (!point) {
      drawing = false;
      continue;
    }
    path += `${drawing ? 'L' : 'M'}${coordinate(point.x)} ${coordinate(point.y)}`;
    drawing = true;
  }
  return path;
}

export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Horizontal grid lines with their labels on the left. */
export function yAxis(
  frame: Frame,
  scale: Scale,
  ticks: readonly number[],
  label: (value: number) => string,
): string {
  return ticks
    .map(
      (tick) =>
        element('line', {
          x1: frame.left,
          x2: frame.width - frame.right,
          y1: scale(tick),
          y2: scale(tick),
          class: 'grid',
        }) +
        text(label(tick), { x: frame.left - 6, y: scale(tick) + 4, 'text-anchor': 'end', class: 'tick' }),
    )
    .join('');
}

/** Tick marks and labels along the bottom edge. */
export function xAxis(scale: Scale, ticks: readonly { at: number; label: string }[], y: number): string {
  return ticks
    .map(
      ({ at, label }) =>
        element('line', { x1: scale(at), x2: scale(at), y1: y, y2: y + 4, class: 'axis' }) +
        text(label, { x: scale(at), y: y + 16, 'text-anchor': 'middle', class: 'tick' }),
    )
    .join('');
}

const STYLE = [
  'text{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;fill:#333}',
  '.title{font-size:14px;font-weight:600}',
  '.tick{font-size:11px;fill:#666}',
  '.label{font-size:11px}',
  '.grid{stroke:#e5e5e5}',
  '.axis{stroke:#999}',
].join('');

/** The root element: sized, titled for screen readers, with its own small stylesheet. */
export function svgDocument(
  frame: Pick<Frame, 'width' | 'height'>,
  title: string,
  kind: string,
  body: string,
): string {
  return element(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      width: frame.width,
      height: frame.height,
      viewBox: `0 0 ${frame.width} ${frame.height}`,
      role: 'img',
      'aria-label': title,
      'data-chart': kind,
    },
    element('title', {}, escapeXml(title)),
    element('style', {}, STYLE),
    element('rect', { width: frame.width, height: frame.height, fill: '#fff' }),
    body,
  );
}

/** Ten distinguishable colours for series (Tableau 10). */
export const SERIES_COLOURS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

export interface Series {
  name: string;
  points: readonly { at: number; value: number | null }[];
}

export interface LineChartOptions {
  title: string;
  kind: string;
  series: readonly Series[];
  fromMs: number;
  toMs: number;
  /** The values to show; the axis widens it to round ticks. */
  yRange: [number, number];
  yLabel: (value: number) => string;
}

/** One line per series over time, with a legend below; the chart the SLA report draws per metric. */
export function lineChart(options: LineChartOptions): string {
  const legendRows = Math.ceil(options.series.length / 5);
  const frame: Frame = {
    width: 900,
    height: 250 + legendRows * 18,
    left: 64,
    right: 20,
    top: 34,
    bottom: 40 + legendRows * 18,
  };
  const x = linearScale([options.fromMs, options.toMs], [frame.left, frame.width - frame.right]);
  const yTicks = niceTicks(options.yRange[0], options.yRange[1]);
  const y = linearScale([yTicks[0]!, yTicks.at(-1)!], [frame.height - frame.bottom, frame.top]);
  const plotBottom = frame.height - frame.bottom;
  const lines = options.series.map((series, index) =>
    element('path', {
      d: linePath(series.points.map((p) => (p.value === null ? null : { x: x(p.at), y: y(p.value) }))),
      fill: 'none',
      stroke: SERIES_COLOURS[index % SERIES_COLOURS.length],
      'stroke-width': 2,
      'data-series': series.name,
    }),
  );
  // A day or two of data is a dot or two: draw the points too, or a single one would not show.
  const dots = options.series.flatMap((series, index) =>
    series.points.length > 31
      ? []
      : series.points.flatMap((p) =>
          p.value === null
            ? []
            : [
                element('circle', {
                  cx: x(p.at),
                  cy: y(p.value),
                  r: 3,
                  fill: SERIES_COLOURS[index % SERIES_COLOURS.length],
                }),
              ],
        ),
  );
  const legend = options.series.map((series, index) => {
    const lx = frame.left + (index % 5) * 160;
    const ly = plotBottom + 36 + Math.floor(index / 5) * 18;
    return (
      element('rect', {
        x: lx,
        y: ly - 9,
        width: 12,
        height: 12,
        fill: SERIES_COLOURS[index % SERIES_COLOURS.length],
      }) + text(series.name, { x: lx + 18, y: ly + 1, class: 'label' })
    );
  });
  return svgDocument(
    frame,
    options.title,
    options.kind,
    [
      text(options.title, { x: frame.left, y: 20, class: 'title' }),
      yAxis(frame, y, yTicks, options.yLabel),
      element('line', {
        x1: frame.left,
        x2: frame.width - frame.right,
        y1: plotBottom,
        y2: plotBottom,
        class: 'axis',
      }),
      xAxis(x, timeTicks(options.fromMs, options.toMs), plotBottom),
      ...lines,
      ...dots,
      ...legend,
    ].join(''),
  );
}

export interface StackedBarOptions {
  title: string;
  kind: string;
  /** One bar per row, its segments in `segments` order. */
  rows: readonly { name: string; values: readonly number[] }[];
  segments: readonly { name: string; colour: string }[];
}

/** Horizontal bars split into coloured segments (incidents per vendor by severity). */
export function stackedBarChart(options: StackedBarOptions): string {
  const barHeight = 18;
  const frame: Frame = {
    width: 900,
    height: 70 + options.rows.length * (barHeight + 8) + 30,
    left: 120,
    right: 40,
    top: 34,
    bottom: 0,
  };
  const max = Math.max(1, ...options.rows.map((row) => row.values.reduce((sum, value) => sum + value, 0)));
  const ticks = niceTicks(0, max, 5);
  const x = linearScale([0, ticks.at(-1)!], [frame.left, frame.width - frame.right]);
  const plotBottom = frame.top + options.rows.length * (barHeight + 8);
  const bars = options.rows.map((row, index) => {
    const y = frame.top + index * (barHeight + 8);
    let start = 0;
    const segments = row.values.map((value, segment) => {
      const rect =
        value === 0
          ? ''
          : element('rect', {
              x: x(start),
              y,
              width: x(start + value) - x(start),
              height: barHeight,
              fill: options.segments[segment]!.colour,
              'data-segment': options.segments[segment]!.name,
              'data-value': value,
            });
      start += value;
      return rect;
    });
    return (
      text(row.name, { x: frame.left - 8, y: y + 13, 'text-anchor': 'end', class: 'label' }) +
      segments.join('')
    );
  });
  const legend = options.segments.map(
    (segment, index) =>
      element('rect', {
        x: frame.left + index * 80,
        y: plotBottom + 30,
        width: 12,
        height: 12,
        fill: segment.colour,
      }) + text(segment.name, { x: frame.left + index * 80 + 18, y: plotBottom + 40, class: 'label' }),
  );
  const grid = ticks
    .map(
      (tick) =>
        element('line', { x1: x(tick), x2: x(tick), y1: frame.top, y2: plotBottom, class: 'grid' }) +
        text(String(tick), { x: x(tick), y: plotBottom + 16, 'text-anchor': 'middle', class: 'tick' }),
    )
    .join('');
  return svgDocument(
    frame,
    options.title,
    options.kind,
    [text(options.title, { x: frame.left, y: 20, class: 'title' }), grid, ...bars, ...legend].join(''),
  );
}
