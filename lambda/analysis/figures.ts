/** How the SLA ledger's figures read to a person, the same in the terminal and in the HTML page. */

export const percentText = (ratio: number | null, digits = 3): string =>
  ratio === null ? '-' : `${(ratio * 100).toFixed(digits)}%`;

/** `45s`, `12m 30s`, `3h 05m`: whole seconds, two units at most. */
export function durationText(ms: number | null): string {
  if (ms === null) return '-';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

export const millisecondsText = (ms: number | null): string => (ms === null ? '-' : `${Math.round(ms)} ms`);

/** `2026-01-05 14:00 UTC` from an ISO instant. */
export const hourText = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
