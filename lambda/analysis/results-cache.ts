import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { type HourPartition, resultFilesOf } from './local-partitions.ts';
import { DATA_COLUMNS, duckdbType, PARTITION_COLUMNS, RESULTS_TABLE } from './results-schema.ts';

/**
 * A columnar copy of a data directory's results, kept in a DuckDB database and brought up to date
 * hour partition by hour partition before each query.
 *
 * Why: reading the stored layout (one small JSON file per result) is the contract, but it costs a
 * file open per result — about a minute for 432,000 results on two cores. Results are immutable
 * once written, so each hour directory is read once, when it changes, and queries then scan the
 * copy. The layout on disk is untouched; the copy lives outside it and can be deleted at any time.
 */

export interface CacheSyncProgress {
  /** Hour partitions (re)loaded so far, of `stale`; reported once before loading starts and after each step. */
  loaded: number;
  stale: number;
  /** Results loaded so far. */
  results: number;
}

export interface CacheSyncStats {
  partitions: number;
  stale: number;
  removed: number;
  results: number;
}

/** A stored result that is not the JSON the layout promises: named so the user can fix or remove it. */
export class UnreadableResultError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`cannot read stored result ${file}: ${reason}`);
    this.name = 'UnreadableResultError';
  }
}

/** About 20 MB of JSON per load step: bounded staging space, few enough steps to stay fast. */
const FILES_PER_STEP = 20_000;

const sqlString = (value: string): string => `'${value.replaceAll("'", "''")}'`;
const identifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

const TABLE_COLUMNS = [
  ...DATA_COLUMNS.map((column) => `${identifier(column.name)} ${duckdbType(column.type, 'table')}`),
  ...PARTITION_COLUMNS.map((column) => `${identifier(column.name)} VARCHAR`),
];

/** Changes whenever the table definition does, so an old cache is rebuilt rather than misread. */
const CACHE_FORMAT = createHash('sha256')
  .update(`v1 ${TABLE_COLUMNS.join(', ')}`)
  .digest('hex')
  .slice(0, 16);

/**
 * A staging line: one stored result wrapped with the partition its key names. One staging file per
 * load step, because DuckDB opens each file it reads at a cost of milliseconds.
 */
const stagingLine = (partition: HourPartition, resultJson: string): string =>
  `{"partition":${JSON.stringify([partition.vendor, partition.date, partition.hour])},"result":${resultJson}}`;

const STORED_RESULT = `STRUCT(${DATA_COLUMNS.map((column) => `${identifier(column.jsonKey)} ${duckdbType(column.type, 'json')}`).join(', ')})`;

/**
 * The `results` rows of a staging file. Keys are matched as the JSON spells them (DuckDB is
 * case-sensitive there) and cast to the table's lowercase names, which DuckDB matches ignoring case.
 */
function resultsFromStaging(file: string): string {
  const select = [
    ...DATA_COLUMNS.map(
      (column) =>
        `CAST(result.${identifier(column.jsonKey)} AS ${duckdbType(column.type, 'table')}) AS ${identifier(column.name)}`,
    ),
    ...PARTITION_COLUMNS.map((column, index) => `partition[${index + 1}] AS ${identifier(column.name)}`),
  ];
  const columns = `{'partition': 'VARCHAR[]', 'result': ${sqlString(STORED_RESULT)}}`;
  return `SELECT ${select.join(', ')} FROM read_json(${sqlString(file)}, format = 'newline_delimited', columns = ${columns})`;
}

async function prepareTables(connection: DuckDBConnection, schema: string): Promise<void> {
  await connection.run(`CREATE TABLE IF NOT EXISTS ${schema}.meta (format VARCHAR)`);
  const format = (await connection.runAndReadAll(`SELECT format FROM ${schema}.meta`)).getRows()[0]?.[0];
  if (format === CACHE_FORMAT) return;
  await connection.run(`DROP TABLE IF EXISTS ${schema}.${RESULTS_TABLE}`);
  await connection.run(`DROP TABLE IF EXISTS ${schema}.partitions`);
  await connection.run(`CREATE TABLE ${schema}.${RESULTS_TABLE} (${TABLE_COLUMNS.join(', ')})`);
  await connection.run(
    `CREATE TABLE ${schema}.partitions (path VARCHAR PRIMARY KEY, vendor VARCHAR, day VARCHAR, hour VARCHAR, stamp VARCHAR)`,
  );
  await connection.run(`DELETE FROM ${schema}.meta`);
  await connection.run(`INSERT INTO ${schema}.meta VALUES (${sqlString(CACHE_FORMAT)})`);
}

/** Stored results are newline-free JSON by contract; one that is not is re-serialised, or named if it is not JSON. */
function storedJson(file: string): string {
  const text = readFileSync(file, 'utf8').trim();
  if (!text.includes('\n')) return text;
  try {
    return JSON.stringify(JSON.parse(text));
  } catch (error) {
    throw new UnreadableResultError(file, (error as Error).message);
  }
}

/** The first file of a failed load step that is not a JSON object, if that is why it failed. */
function findUnreadable(files: readonly string[]): UnreadableResultError | null {
  for (const file of files) {
    try {
      const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return new UnreadableResultError(file, 'not a JSON object');
      }
    } catch (error) {
      return new UnreadableResultError(file, (error as Error).message);
    }
  }
  return null;
}

/** Some stale partitions, the result files each holds now, and where they are staged. */
interface Step {
  partitions: { partition: HourPartition; files: string[]; known: boolean }[];
  staging: string;
  results: number;
}

function stage(step: Step): void {
  const lines = step.partitions.flatMap(({ partition, files }) =>
    files.map((file) => stagingLine(partition, storedJson(file))),
  );
  writeFileSync(step.staging, lines.join('\n'));
}

/**
 * Replaces the rows of a step's partitions with its staged results. While DuckDB parses (on its own
 * thread), `meanwhile` stages the next step on this one.
 */
async function loadStep(
  connection: DuckDBConnection,
  schema: string,
  step: Step,
  meanwhile: () => void,
): Promise<void> {
  const rows = step.partitions.map(
    ({ partition: p }) =>
      `(${[p.path, p.vendor, p.date, p.hour].map(sqlString).join(', ')}, ${p.stamp === null ? 'NULL' : sqlString(p.stamp)})`,
  );
  const changed = `(VALUES ${rows.join(', ')}) AS changed(path, vendor, day, hour, stamp)`;
  // A partition the cache has never seen has no rows to replace; skipping it keeps a first build fast.
  if (step.partitions.some(({ known }) => known)) {
    await connection.run(
      `DELETE FROM ${schema}.${RESULTS_TABLE} AS r USING ${changed} WHERE r.vendor = changed.vendor AND r.day = changed.day AND r.hour = changed.hour`,
    );
    await connection.run(
      `DELETE FROM ${schema}.partitions AS p USING ${changed} WHERE p.path = changed.path`,
    );
  }
  const inserting = connection
    .run(`INSERT INTO ${schema}.${RESULTS_TABLE} ${resultsFromStaging(step.staging)}`)
    .then(
      () => null,
      (error: unknown) => findUnreadable(step.partitions.flatMap(({ files }) => files)) ?? error,
    );
  let stagingError: unknown = null;
  try {
    meanwhile();
  } catch (error) {
    stagingError = error;
  }
  const insertError = await inserting;
  if (insertError) throw insertError;
  if (stagingError) throw stagingError;
  await connection.run(`INSERT INTO ${schema}.partitions SELECT * FROM ${changed}`);
}

/** Groups stale partitions into load steps of about FILES_PER_STEP results, alternating two staging files. */
function planSteps(
  dataDir: string,
  stale: readonly HourPartition[],
  known: ReadonlyMap<string, unknown>,
  stagingDir: string,
): Step[] {
  const steps: Step[] = [];
  let current: Step | null = null;
  for (const partition of stale) {
    if (!current || current.results >= FILES_PER_STEP) {
      current = { partitions: [], staging: join(stagingDir, `step-${steps.length % 2}.ndjson`), results: 0 };
      steps.push(current);
    }
    const files = resultFilesOf(dataDir, partition);
    current.partitions.push({ partition, files, known: known.has(partition.path) });
    current.results += files.length;
  }
  return steps;
}

export interface CacheSyncOptions {
  /** The attached database holding the copy. */
  schema: string;
  dataDir: string;
  /** The data directory's hour partitions as listed now (see listHourPartitions). */
  partitions: readonly HourPartition[];
  /** A private directory for staging files; removed when done. */
  stagingDir: string;
  onProgress?: (progress: CacheSyncProgress) => void;
}

/**
 * Brings `<schema>.results` up to date with the data directory: partitions whose stamp changed
 * (or that cannot be trusted yet) are reloaded, partitions that disappeared are dropped.
 */
export async function syncResultsCache(
  connection: DuckDBConnection,
  options: CacheSyncOptions,
): Promise<CacheSyncStats> {
  await prepareTables(connection, options.schema);
  // One thread parses a single staging file faster than two that split it; the other core stages.
  await connection.run('SET threads = 1');
  try {
    // One transaction: a query never sees half a refresh, and a commit per step would cost a WAL sync each.
    await connection.run('BEGIN TRANSACTION');
    try {
      const stats = await refresh(connection, options);
      await connection.run('COMMIT');
      return stats;
    } catch (error) {
      await connection.run('ROLLBACK');
      throw error;
    }
  } finally {
    await connection.run('RESET threads');
    rmSync(options.stagingDir, { recursive: true, force: true });
  }
}

async function refresh(connection: DuckDBConnection, options: CacheSyncOptions): Promise<CacheSyncStats> {
  const { schema, dataDir, stagingDir, partitions } = options;
  const known = new Map(
    (await connection.runAndReadAll(`SELECT path, stamp FROM ${schema}.partitions`))
      .getRows()
      .map(([path, stamp]) => [String(path), stamp === null ? null : String(stamp)]),
  );
  const stale = partitions.filter((p) => p.stamp === null || known.get(p.path) !== p.stamp);
  const present = new Set(partitions.map((p) => p.path));
  const removed = [...known.keys()].filter((path) => !present.has(path));
  if (removed.length > 0) {
    const paths = removed.map(sqlString).join(', ');
    await connection.run(
      `DELETE FROM ${schema}.${RESULTS_TABLE} AS r USING ${schema}.partitions AS p WHERE p.path IN (${paths}) AND r.vendor = p.vendor AND r.day = p.day AND r.hour = p.hour`,
    );
    await connection.run(`DELETE FROM ${schema}.partitions WHERE path IN (${paths})`);
  }

  const steps = planSteps(dataDir, stale, known, stagingDir);
  const progress: CacheSyncProgress = { loaded: 0, stale: stale.length, results: 0 };
  if (steps.length > 0) options.onProgress?.({ ...progress });
  if (steps[0]) stage(steps[0]);
  for (const [index, step] of steps.entries()) {
    const next = steps[index + 1];
    await loadStep(connection, schema, step, () => next && stage(next));
    progress.loaded += step.partitions.length;
    progress.results += step.results;
    options.onProgress?.({ ...progress });
  }
  return {
    partitions: partitions.length,
    stale: stale.length,
    removed: removed.length,
    results: progress.results,
  };
}
