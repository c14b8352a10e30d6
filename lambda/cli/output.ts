import { styleText } from 'node:util';
import type { CheckResult, Outcome, ProbeResult, Severity } from '../core/vocabulary.ts';

type Style = Parameters<typeof styleText>[0];

/** Colour only for a person at a terminal; NO_COLOR and pipes get plain text. */
const colour = (style: Style, text: string): string =>
  process.stdout.isTTY && !process.env.NO_COLOR ? styleText(style, text) : text;

const OUTCOME_MARK: Record<Outcome, [string, Style]> = {
  pass: ['ok  ', 'green'],
  warn: ['warn', 'yellow'],
  fail: ['FAIL', 'red'],
  skip: ['skip', 'gray'],
};

const SEVERITY_STYLE: Record<Severity, Style> = { P1: 'red', P2: 'red', P3: 'yellow', P4: 'cyan' };

export const severityText = (severity: Severity | null): string =>
  severity ? colour(SEVERITY_STYLE[severity], severity) : colour('green', 'healthy');

function checkLine(check: CheckResult): string {
  const [mark, style] = OUTCOME_MARK[check.outcome];
  const status = check.httpStatus === null ? '   ' : String(check.httpStatus);
  const latency = check.latencyMs === null ? '' : `${check.latencyMs} ms`;
  return `  ${colour(style, mark)} ${check.name.padEnd(11)} ${status} ${latency.padStart(8)}  ${check.detail}`;
}

/** One screen per vendor: each check, then what is wrong, how bad, whose side and what to do. */
export function formatProbeResult(result: ProbeResult): string {
  const { verdict } = result;
  const heading = verdict.severity
    ? `${colour('bold', result.vendor)}  ${severityText(verdict.severity)} ${verdict.cause}  side: ${verdict.side}`
    : `${colour('bold', result.vendor)}  ${severityText(null)}`;
  return [
    heading,
    ...result.checks.map(checkLine),
    ...(verdict.severity ? [`  what:   ${verdict.summary}`, `  action: ${verdict.action}`] : []),
  ].join('\n');
}

/** A plain aligned table: the widest cell sets each column. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  return [colour('bold', line(headers)), ...rows.map(line)].join('\n');
}

export const printJson = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};
