import { storedIncidents } from '../../analysis/stored-evidence.ts';
import { loadConfig } from '../../config/load-config.ts';
import { type Incident, vendorOfIncidentId } from '../../core/incident-state.ts';
import { draftPostmortem } from '../../core/postmortem.ts';
import {
  incidentKey,
  parseResultKey,
  postmortemKey,
  resultPartition,
  resultsPrefix,
  STATE_PREFIX,
  vendorFromStateKey,
} from '../../core/storage-layout.ts';
import { readResults } from '../../monitor/result-store.ts';
import { readStateDocument } from '../../monitor/vendor-monitor.ts';
import type { ObjectStore } from '../../ports/object-store.ts';
import { openStore, type StoreFlags } from '../context.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import { printJson, severityText, table } from '../output.ts';

interface ReadFlags extends StoreFlags {
  json?: boolean;
}

/** The newest stored result time: today's partition first, then yesterday's. */
async function lastCheck(store: ObjectStore, vendor: string, now: number): Promise<string | null> {
  for (const day of [now, now - 86_400_000]) {
    const datePrefix = `${resultsPrefix(vendor)}${resultPartition(new Date(day).toISOString()).split('/')[0]}/`;
    let newest: string | null = null;
    for await (const key of store.list(datePrefix)) newest = key;
    const parsed = newest ? parseResultKey(newest) : null;
    if (parsed) return new Date(parsed.epochMs).toISOString();
  }
  return null;
}

export interface StatusFlags extends ReadFlags {
  config?: string;
}

/** Each configured or stored vendor: healthy or not, its open incident, its last check, and gaps. */
export async function statusCommand(flags: StatusFlags): Promise<number> {
  const store = await openStore(flags);
  const config = flags.config ? loadConfig(flags.config) : null;
  const stored: string[] = [];
  for await (const key of store.list(STATE_PREFIX)) stored.push(vendorFromStateKey(key));
  const vendors = [...new Set([...(config?.vendors.map((vendor) => vendor.id) ?? []), ...stored])].sort();
  const everyMs = (config?.schedule.everyMinutes ?? 1) * 60_000;
  const now = Date.now();
  const rows = await Promise.all(
    vendors.map(async (vendor) => {
      const { document, etag } = await readStateDocument(store, vendor);
      const checkedAt = etag ? await lastCheck(store, vendor, now) : null;
      const incident = document.state.incident;
      return {
        vendor,
        healthy: etag ? document.state.healthy === true && incident === null : null,
        openIncident: incident
          ? { id: incident.id, severity: incident.severity, cause: incident.cause, status: incident.status }
          : null,
        lastCheck: checkedAt,
        // Three missed cycles: the monitor itself has stopped for this vendor.
        stale: checkedAt === null || now - Date.parse(checkedAt) > 3 * everyMs,
      };
    }),
  );
  if (flags.json) {
    printJson({ vendors: rows });
    return EXIT.ok;
  }
  const health = (row: (typeof rows)[number]) =>
    row.healthy === null
      ? 'no data'
      : row.openIncident
        ? severityText(row.openIncident.severity)
        : row.healthy
          ? 'healthy'
          : 'failing';
  process.stdout.write(
    `${table(
      ['VENDOR', 'HEALTH', 'OPEN INCIDENT', 'LAST CHECK', ''],
      rows.map((row) => [
        row.vendor,
        health(row),
        row.openIncident
          ? `${row.openIncident.id} ${row.openIncident.cause} ${row.openIncident.status}`
          : '-',
        row.lastCheck ?? 'never',
        row.stale ? 'STALE: no recent results' : '',
      ]),
    )}\n`,
  );
  return EXIT.ok;
}

export interface IncidentsFlags extends ReadFlags {
  vendor?: string;
  open?: boolean;
}

export async function incidentsCommand(flags: IncidentsFlags): Promise<number> {
  const store = await openStore(flags);
  const all = await storedIncidents(store, flags.vendor);
  const incidents = all
    .filter((incident) => !flags.open || incident.status !== 'RESOLVED')
    .sort((a, b) => a.openedAt.localeCompare(b.openedAt))
    .map((incident) => ({
      id: incident.id,
      vendor: incident.vendor,
      severity: incident.peakSeverity,
      cause: incident.cause,
      side: incident.side,
      status: incident.status,
      openedAt: incident.openedAt,
      resolvedAt: incident.resolvedAt,
    }));
  if (flags.json) printJson({ incidents });
  else {
    process.stdout.write(
      `${table(
        ['ID', 'SEVERITY', 'CAUSE', 'SIDE', 'STATUS', 'OPENED', 'RESOLVED'],
        incidents.map((i) => [i.id, i.severity, i.cause, i.side, i.status, i.openedAt, i.resolvedAt ?? '-']),
      )}\n`,
    );
  }
  return EXIT.ok;
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30m`, `2h`, `7d` back from now, or an ISO time. */
export function parseSince(value: string, now: number): number {
  const relative = /^(\d+)([mhd])$/.exec(value);
  if (relative) return now - Number(relative[1]) * UNIT_MS[relative[2]!]!;
  const absolute = Date.parse(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && Number.isFinite(absolute)) return absolute;
  throw new UsageError(`--since ${value}: use a duration such as 30m, 2h, 7d, or an ISO time`);
}

export interface EvidenceFlags extends ReadFlags {
  vendor: string;
  since: string;
}

export async function evidenceCommand(flags: EvidenceFlags): Promise<number> {
  const now = Date.now();
  const from = parseSince(flags.since, now);
  const store = await openStore(flags);
  const results = await readResults(store, flags.vendor, from, now);
  if (flags.json) {
    printJson({ results: results.map(({ key, result }) => ({ key, ...result })) });
    return EXIT.ok;
  }
  process.stdout.write(
    `${table(
      ['STARTED', 'SEVERITY', 'CAUSE', 'CHECKS', 'KEY'],
      results.map(({ key, result }) => [
        result.startedAt,
        result.verdict.severity ?? 'healthy',
        result.verdict.cause,
        result.checks.map((check) => `${check.name}:${check.outcome}`).join(' '),
        key,
      ]),
    )}\n`,
  );
  return EXIT.ok;
}

/** The stored draft, or for a still-open incident a draft from what is stored so far. */
export async function postmortemCommand(incidentId: string, flags: StoreFlags): Promise<number> {
  const vendor = vendorOfIncidentId(incidentId);
  const store = await openStore(flags);
  const notFound = () => {
    process.stderr.write(`incident ${incidentId} not found\n`);
    return EXIT.notFound;
  };
  if (!vendor) return notFound();
  const stored = await store.get(postmortemKey(vendor, incidentId));
  if (stored) {
    process.stdout.write(stored.body);
    return EXIT.ok;
  }
  const record = await store.get(incidentKey(vendor, incidentId));
  if (!record) return notFound();
  const incident = JSON.parse(record.body) as Incident;
  const results = await readResults(store, vendor, Date.parse(incident.firstFailureAt), Date.now());
  process.stdout.write(draftPostmortem(incident, results));
  return EXIT.ok;
}
