/** How figures are written in the tables: units always shown, precision fit for the magnitude. */

/** One decimal below 1,000 s: a goal of 120 s is not met by 120.05 s, and the table should show why. */
export const seconds = (value: number): string => `${value < 1000 ? value.toFixed(1) : Math.round(value)} s`;

export const milliseconds = (value: number): string =>
  `${value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US')} ms`;

export const kilobytes = (bytes: number): string =>
  `${(bytes / 1024).toLocaleString('en-US', { maximumFractionDigits: 1 })} KiB`;

export const count = (value: number): string =>
  value.toLocaleString('en-US', { maximumFractionDigits: value < 10 ? 2 : 0 });

/** Dollars with enough digits that a line item of a tenth of a cent is still visible. */
export function usd(value: number): string {
  if (value === 0) return '$0';
  if (value < 0.001) return `$${value.toPrecision(2)}`;
  if (value < 0.01) return `$${value.toFixed(4)}`;
  if (value < 1) return `$${value.toFixed(3)}`;
  return `$${value.toFixed(2)}`;
}

export const ratio = (value: number): string =>
  `${value < 0.1 ? value.toPrecision(2) : value.toFixed(value < 10 ? 2 : 1)}×`;

/** "1 alarm", "4 alarms". */
export const quantity = (value: number, singular: string, plural = `${singular}s`): string =>
  `${count(value)} ${value === 1 ? singular : plural}`;

export const percent = (fraction: number): string => `${(fraction * 100).toLocaleString('en-US')} %`;

export const verdict = (met: boolean): string => (met ? 'met' : 'NOT met');
