/** Every key vendorwatch stores, in one place: S3 and the local data directory share this layout. */

const pad = (value: number): string => String(value).padStart(2, '0');

/** `date=YYYY-MM-DD/hour=HH`, in UTC, from a result's startedAt. */
export function resultPartition(startedAt: string): string {
  const time = new Date(startedAt);
  const date = `${time.getUTCFullYear()}-${pad(time.getUTCMonth() + 1)}-${pad(time.getUTCDate())}`;
  return `date=${date}/hour=${pad(time.getUTCHours())}`;
}

export const resultsPrefix = (vendor: string): string => `results/vendor=${vendor}/`;

/** Keys sort by time inside a partition because the file name starts with the epoch milliseconds. */
export function resultKey(vendor: string, startedAt: string, shortId: string): string {
  return `${resultsPrefix(vendor)}${resultPartition(startedAt)}/${Date.parse(startedAt)}-${shortId}.json`;
}

const RESULT_KEY = /^results\/vendor=([^/]+)\/date=\d{4}-\d{2}-\d{2}\/hour=\d{2}\/(\d+)-[^/]+\.json$/;

export function parseResultKey(key: string): { vendor: string; epochMs: number } | null {
  const match = RESULT_KEY.exec(key);
  return match ? { vendor: match[1]!, epochMs: Number(match[2]) } : null;
}

export const stateKey = (vendor: string): string => `state/${vendor}.json`;
export const STATE_PREFIX = 'state/';
export const vendorFromStateKey = (key: string): string => key.slice(STATE_PREFIX.length, -'.json'.length);

export const incidentsPrefix = (vendor?: string): string =>
  vendor ? `incidents/vendor=${vendor}/` : 'incidents/';
export const incidentKey = (vendor: string, incidentId: string): string =>
  `${incidentsPrefix(vendor)}${incidentId}.json`;
export const postmortemKey = (vendor: string, incidentId: string): string =>
  `postmortems/vendor=${vendor}/${incidentId}.md`;
/** The chart of an incident's window, stored beside its postmortem. */
export const incidentChartKey = (vendor: string, incidentId: string): string =>
  `postmortems/vendor=${vendor}/${incidentId}.svg`;
