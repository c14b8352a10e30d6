import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Json } from '@duckdb/node-api';
import { LocalSql, NoResultsError, QueryError, type QueryResult } from '../../analysis/local-sql.ts';
import { type CacheSyncProgress, UnreadableResultError } from '../../analysis/results-cache.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import { printJson, table } from '../output.ts';

export interface QueryFlags {
  data?: string;
  bucket?: string;
  json?: boolean;
  csv?: boolean;
  param?: string[];
  /** `--no-cache` sets this false: a throwaway copy, nothing kept between runs. */
  cache?: boolean;
  cacheDir?: string;
}

/** `$VENDORWATCH_CACHE_DIR`, else the XDG cache directory: a copy that can be deleted at any time. */
const defaultCacheDir = (): string =>
  process.env.VENDORWATCH_CACHE_DIR ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'vendorwatch', 'query');

/** Below this many stale hour partitions a refresh is quick enough not to mention. */
const ANNOUNCE_REFRESH_FROM = 100;

const cellText = (value: Json): string =>
  value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);

const csvField = (text: string): string => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

function formatCsv({ columns, rows }: QueryResult): string {
  const line = (cells: string[]) => `${cells.map(csvField).join(',')}\r\n`;
  return line(columns.map((column) => column.name)) + rows.map((row) => line(row.map(cellText))).join('');
}

function formatTable({ columns, rows }: QueryResult): string {
  const count = `(${rows.length} row${rows.length === 1 ? '' : 's'})`;
  const shown = rows.map((row) => row.map((value) => (value === null ? 'NULL' : cellText(value))));
  return `${table(
    columns.map((column) => column.name),
    shown,
  )}\n${count}\n`;
}

const rowObjects = ({ columns, rows }: QueryResult): Record<string, Json>[] =>
  rows.map((row) => Object.fromEntries(columns.map((column, index) => [column.name, row[index] ?? null])));

/** A first run over a large directory takes a while: say what is happening, on stderr. */
function announceRefresh(dataDir: string) {
  const started = Date.now();
  return ({ loaded, stale, results }: CacheSyncProgress) => {
    if (stale < ANNOUNCE_REFRESH_FROM) return;
    if (loaded === 0) {
      process.stderr.write(
        `vendorwatch: copying ${stale} hour partitions of ${dataDir} into the local SQL cache; later queries read only what changed\n`,
      );
    } else if (loaded === stale) {
      process.stderr.write(
        `vendorwatch: cached ${results} results in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
    }
  };
}

/** `vendorwatch query "SELECT … FROM results" --data DIR`: the Athena table, locally. */
export async function queryCommand(sql: string, flags: QueryFlags): Promise<number> {
  if (flags.bucket) {
    throw new UsageError(
      'query reads a local data directory (--data DIR); on AWS run the same SQL in Athena against the results table',
    );
  }
  if (!flags.data) throw new UsageError('query needs --data DIR');
  if (flags.json && flags.csv) throw new UsageError('give at most one of --json and --csv');
  let engine: LocalSql | null = null;
  try {
    engine = await LocalSql.open({
      dataDir: flags.data,
      cacheDir: flags.cache === false ? null : (flags.cacheDir ?? defaultCacheDir()),
      onProgress: announceRefresh(flags.data),
      onNote: (message) => process.stderr.write(`vendorwatch: ${message}\n`),
    });
    const result = await engine.query(sql, flags.param ?? []);
    if (flags.json) printJson({ columns: result.columns, rows: rowObjects(result) });
    else process.stdout.write(flags.csv ? formatCsv(result) : formatTable(result));
    return EXIT.ok;
  } catch (error) {
    if (
      error instanceof QueryError ||
      error instanceof NoResultsError ||
      error instanceof UnreadableResultError
    ) {
      throw new UsageError(error.message);
    }
    throw error;
  } finally {
    engine?.close();
  }
}
