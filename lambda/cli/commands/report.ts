import { writeFileSync } from 'node:fs';
import { durationText, hourText, millisecondsText, percentText } from '../../analysis/figures.ts';
import { renderReportHtml } from '../../analysis/report-html.ts';
import { SlaLedger, type SlaReport, type VendorLedger } from '../../analysis/sla-report.ts';
import { forEachStoredResult, storedIncidents, vendorsWithResults } from '../../analysis/stored-evidence.ts';
import { SEVERITIES } from '../../core/vocabulary.ts';
import { openStore, type StoreFlags } from '../context.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import { printJson, table } from '../output.ts';
import { parseSince } from './read-back.ts';

export interface ReportFlags extends StoreFlags {
  since: string;
  vendor?: string;
  json?: boolean;
  html?: string;
}

const incidentsCell = ({ incidents }: VendorLedger): string =>
  incidents.total === 0
    ? '0'
    : SEVERITIES.filter((s) => incidents.bySeverity[s] > 0)
        .map((s) => `${s}:${incidents.bySeverity[s]}`)
        .join(' ');

const sidesCell = ({ incidents }: VendorLedger): string =>
  Object.entries(incidents.bySide)
    .filter(([, count]) => count > 0)
    .map(([side, count]) => `${side}:${count}`)
    .join(' ') || '-';

const rateLimitCell = ({ rateLimit }: VendorLedger): string =>
  rateLimit.pressure === null
    ? '-'
    : `${percentText(rateLimit.pressure, 2)} (${rateLimit.throttledCycles}×429${
        rateLimit.minRemainingPercent === null
          ? ''
          : `, min ${rateLimit.minRemainingPercent.toFixed(1)}% left`
      })`;

function formatLedger(report: SlaReport): string {
  const rows = report.vendors.map((ledger) => [
    ledger.vendor,
    percentText(ledger.availability),
    String(ledger.cycles),
    incidentsCell(ledger),
    sidesCell(ledger),
    durationText(ledger.mttdMs),
    durationText(ledger.mttrMs),
    millisecondsText(ledger.latencyP95Ms),
    ledger.worstHour ? `${hourText(ledger.worstHour.hour)} (${ledger.worstHour.failingCycles})` : '-',
    rateLimitCell(ledger),
  ]);
  const heading = `SLA ledger ${hourText(report.from)} – ${hourText(report.to)}`;
  if (rows.length === 0) return `${heading}\nno results stored in this window\n`;
  return `${heading}\n${table(
    [
      'VENDOR',
      'AVAILABILITY',
      'CYCLES',
      'INCIDENTS',
      'SIDE',
      'MTTD',
      'MTTR',
      'P95',
      'WORST HOUR (FAILING)',
      'RATE LIMIT',
    ],
    rows,
  )}\n`;
}

/** `vendorwatch report --since 30d (--data DIR | --bucket B)`: the SLA ledger from stored evidence. */
export async function reportCommand(flags: ReportFlags): Promise<number> {
  const now = Date.now();
  const window = { fromMs: parseSince(flags.since, now), toMs: now };
  const store = await openStore(flags);
  const known = await vendorsWithResults(store);
  if (flags.vendor !== undefined && !known.includes(flags.vendor)) {
    throw new UsageError(
      `--vendor ${flags.vendor}: no results stored for it (stored: ${known.join(', ') || 'none'})`,
    );
  }
  const vendors = flags.vendor === undefined ? known : [flags.vendor];
  const ledger = new SlaLedger(window);
  await forEachStoredResult(store, { vendors, ...window }, (result) => ledger.addResult(result));
  for (const incident of await storedIncidents(store, flags.vendor)) ledger.addIncident(incident);
  const report = ledger.report();

  if (flags.html) {
    writeFileSync(flags.html, renderReportHtml(report, new Date(now).toISOString()));
    process.stderr.write(`vendorwatch: wrote ${flags.html}\n`);
  }
  if (flags.json) printJson(report);
  else process.stdout.write(formatLedger(report));
  return EXIT.ok;
}
