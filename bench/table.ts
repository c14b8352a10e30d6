/** One figure table: printed to the console and written into docs/BENCHMARKS.md as the same Markdown. */
export interface Table {
  title: string;
  columns: readonly string[];
  rows: readonly (readonly string[])[];
  /** One line each under the table: what a figure means or what it assumes. */
  notes?: readonly string[];
}

const escapeCell = (cell: string): string => cell.replace(/\|/g, '\\|');

/** Markdown with padded columns, so the console output is as readable as the rendered page. */
export function renderTable(table: Table): string {
  const cells = [table.columns, ...table.rows].map((row) => row.map(escapeCell));
  const widths = table.columns.map((_, column) =>
    Math.max(3, ...cells.map((row) => (row[column] ?? '').length)),
  );
  const line = (row: readonly string[]) =>
    `| ${widths.map((width, column) => (row[column] ?? '').padEnd(width)).join(' | ')} |`;
  const [header, ...body] = cells;
  return [
    `### ${table.title}`,
    '',
    line(header!),
    `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`,
    ...body.map(line),
    ...(table.notes?.length ? ['', ...table.notes.map((note) => `- ${note}`)] : []),
  ].join('\n');
}
