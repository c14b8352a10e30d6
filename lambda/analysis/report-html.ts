import { SEVERITIES } from '../core/vocabulary.ts';
import { durationText, hourText, millisecondsText, percentText } from './figures.ts';
import type { SlaReport, VendorLedger } from './sla-report.ts';
import { escapeXml, lineChart, type Series, stackedBarChart } from './svg.ts';

/**
 * The SLA ledger as one self-contained HTML page: inline CSS and inline SVG charts, no scripts and
 * no external requests (the Content-Security-Policy forbids them), so it can be mailed or archived.
 */

const SEVERITY_COLOURS = ['#b71c1c', '#e15759', '#f28e2b', '#edc948'];
const DAY_MS = 86_400_000;

const cell = (value: string, attributes = ''): string => `<td${attributes}>${escapeXml(value)}</td>`;

function incidentsText(ledger: VendorLedger): string {
  const { bySeverity, total } = ledger.incidents;
  const parts = SEVERITIES.filter((severity) => bySeverity[severity] > 0).map(
    (s) => `${s}: ${bySeverity[s]}`,
  );
  return total === 0 ? '0' : `${total} (${parts.join(', ')})`;
}

const sidesText = ({ incidents: { bySide } }: VendorLedger): string =>
  Object.entries(bySide)
    .filter(([, count]) => count > 0)
    .map(([side, count]) => `${side}: ${count}`)
    .join(', ') || '-';

const rateLimitText = ({ rateLimit }: VendorLedger): string =>
  `${percentText(rateLimit.pressure, 2)} of cycles, ${rateLimit.throttledCycles}× 429` +
  (rateLimit.minRemainingPercent === null ? '' : `, min ${rateLimit.minRemainingPercent.toFixed(1)}% left`);

function ledgerRow(ledger: VendorLedger): string {
  return `<tr data-vendor="${escapeXml(ledger.vendor)}">${[
    cell(ledger.vendor, ' class="vendor"'),
    cell(
      percentText(ledger.availability),
      ` data-figure="availability" data-value="${ledger.availability ?? ''}"`,
    ),
    cell(String(ledger.cycles), ' data-figure="cycles"'),
    cell(incidentsText(ledger), ' data-figure="incidents"'),
    cell(sidesText(ledger)),
    cell(durationText(ledger.mttdMs), ' data-figure="mttd"'),
    cell(durationText(ledger.mttrMs), ' data-figure="mttr"'),
    cell(millisecondsText(ledger.latencyP95Ms), ' data-figure="p95"'),
    cell(
      ledger.worstHour
        ? `${hourText(ledger.worstHour.hour)} (${ledger.worstHour.failingCycles} failing)`
        : '-',
    ),
    cell(rateLimitText(ledger)),
  ].join('')}</tr>`;
}

/** Daily points at noon, so a day's value sits in the middle of its day on the time axis. */
const dailySeries = (
  report: SlaReport,
  value: (day: VendorLedger['daily'][number]) => number | null,
): Series[] =>
  report.vendors.map((ledger) => ({
    name: ledger.vendor,
    points: ledger.daily.map((day) => ({ at: Date.parse(`${day.day}T12:00:00.000Z`), value: value(day) })),
  }));

function charts(report: SlaReport): string[] {
  // Whole UTC days, so the daily points fall inside the axis even for a window of a few hours.
  const fromMs = Math.floor(Date.parse(report.from) / DAY_MS) * DAY_MS;
  const toMs = Math.ceil(Date.parse(report.to) / DAY_MS) * DAY_MS;
  const lowest = Math.min(100, ...report.vendors.flatMap((v) => v.daily.map((d) => d.availability * 100)));
  const slowest = Math.max(1, ...report.vendors.flatMap((v) => v.daily.map((d) => d.latencyP95Ms ?? 0)));
  return [
    lineChart({
      title: 'Availability per day (healthy cycles / cycles)',
      kind: 'availability',
      series: dailySeries(report, (day) => day.availability * 100),
      fromMs,
      toMs,
      yRange: [Math.max(0, Math.floor(lowest - 0.5)), 100],
      yLabel: (value) => `${value}%`,
    }),
    lineChart({
      title: 'API latency p95 per day',
      kind: 'latency',
      series: dailySeries(report, (day) => day.latencyP95Ms),
      fromMs,
      toMs,
      yRange: [0, slowest],
      yLabel: (value) => `${value} ms`,
    }),
    stackedBarChart({
      title: 'Incidents opened, by severity',
      kind: 'incidents',
      rows: report.vendors.map((ledger) => ({
        name: ledger.vendor,
        values: SEVERITIES.map((severity) => ledger.incidents.bySeverity[severity]),
      })),
      segments: SEVERITIES.map((severity, index) => ({ name: severity, colour: SEVERITY_COLOURS[index]! })),
    }),
  ];
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:960px;color:#222}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}
p.window{color:#555;margin:0 0 16px}
table{border-collapse:collapse;font-size:13px;width:100%}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e5e5e5;vertical-align:top}
th{background:#f6f6f6;font-weight:600}td.vendor{font-weight:600}
figure{margin:16px 0}svg{max-width:100%;height:auto}
footer{color:#777;font-size:12px;margin-top:32px}`;

export function renderReportHtml(report: SlaReport, generatedAt: string): string {
  const window = `${hourText(report.from)} – ${hourText(report.to)}`;
  const body = report.vendors.length
    ? [
        '<table id="ledger"><thead><tr>',
        ...[
          'Vendor',
          'Availability',
          'Cycles',
          'Incidents',
          'Side',
          'MTTD',
          'MTTR',
          'p95 latency',
          'Worst hour',
          'Rate-limit pressure',
        ].map((heading) => `<th>${heading}</th>`),
        '</tr></thead><tbody>',
        ...report.vendors.map(ledgerRow),
        '</tbody></table>',
        ...charts(report).map((svg) => `<figure>${svg}</figure>`),
      ].join('')
    : '<p id="empty">No results were stored in this window.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vendorwatch SLA report, ${escapeXml(window)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>vendorwatch SLA report</h1>
<p class="window">${escapeXml(window)}</p>
${body}
<footer>Availability: healthy cycles / cycles. MTTD: incident opened − first failing check. MTTR: resolved − opened. p95: nearest rank over the api check's latency. Generated ${escapeXml(generatedAt)} from stored results and incidents.</footer>
</body>
</html>
`;
}
