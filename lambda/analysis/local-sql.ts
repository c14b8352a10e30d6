import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBResultReader,
  DuckDBTypeId,
  type DuckDBValueConverter,
  type Json,
  JsonDuckDBValueConverter,
} from '@duckdb/node-api';
import { listHourPartitions } from './local-partitions.ts';
import { type CacheSyncProgress, type CacheSyncStats, syncResultsCache } from './results-cache.ts';
import { RESULTS_TABLE } from './results-schema.ts';

/**
 * `SELECT … FROM results` on a laptop: DuckDB over the data directory, with the table Athena has
 * (see results-schema.ts), so a query written here runs on AWS unchanged.
 */

export interface LocalSqlOptions {
  dataDir: string;
  /** Where the columnar copy of the results is kept between runs; `null` for a throwaway copy. */
  cacheDir: string | null;
  onProgress?: (progress: CacheSyncProgress) => void;
  /** Something the user should know that is not an error (the cache was busy, so a copy was made). */
  onNote?: (message: string) => void;
}

export interface QueryResult {
  columns: { name: string; type: string }[];
  rows: Json[][];
}

/** The data directory holds no results: nothing to query, and most likely the wrong directory. */
export class NoResultsError extends Error {
  constructor(readonly dataDir: string) {
    super(
      `no results in ${dataDir}: expected results/vendor=<id>/date=YYYY-MM-DD/hour=HH/*.json (written by \`vendorwatch run --data ${dataDir}\`)`,
    );
    this.name = 'NoResultsError';
  }
}

/** The SQL itself failed (syntax, unknown column, bad parameter): DuckDB's message says why. */
export class QueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryError';
  }
}

/**
 * Athena's names for functions DuckDB spells differently, so postmortem queries written for Athena
 * run here as they are. Only what those queries need; the rest of both dialects overlaps.
 */
const ATHENA_FUNCTIONS = [
  'CREATE MACRO approx_percentile(x, p) AS approx_quantile(x, p)',
  'CREATE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)',
];

const CACHE_SCHEMA = 'cache';
/** Another `vendorwatch query` holds the cache only while it refreshes and runs; worth a short wait. */
const CACHE_LOCK_WAIT_MS = 10_000;

const defaultCacheFile = (cacheDir: string, dataDir: string): string =>
  join(cacheDir, `${createHash('sha256').update(realpathSync(dataDir)).digest('hex').slice(0, 16)}.duckdb`);

const isLockConflict = (error: unknown): boolean =>
  /Could not set lock|Conflicting lock/i.test(String(error));

async function attachWritable(connection: DuckDBConnection, file: string): Promise<boolean> {
  const deadline = Date.now() + CACHE_LOCK_WAIT_MS;
  for (let rebuilt = false; ; ) {
    try {
      await connection.run(`ATTACH '${file.replaceAll("'", "''")}' AS ${CACHE_SCHEMA}`);
      return true;
    } catch (error) {
      if (isLockConflict(error)) {
        if (Date.now() > deadline) return false;
        await sleep(100);
      } else if (!rebuilt) {
        // Written by another DuckDB version, or damaged: it is only a copy, so start it afresh.
        rmSync(file, { force: true });
        rmSync(`${file}.wal`, { force: true });
        rebuilt = true;
      } else {
        throw error;
      }
    }
  }
}

/** Counts (BIGINT) and decimals as JSON numbers while exact; DuckDB's JSON form gives them as strings. */
const EXACT_NUMBER_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.DECIMAL,
]);
const toJson: DuckDBValueConverter<Json> = (value, type) => {
  if (value !== null && EXACT_NUMBER_TYPES.has(type.typeId)) {
    const number = Number(String(value));
    if (Number.isSafeInteger(number) || (type.typeId === DuckDBTypeId.DECIMAL && Number.isFinite(number))) {
      return number;
    }
  }
  return JsonDuckDBValueConverter(value, type, toJson);
};

export class LocalSql {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly throwaway: string | null,
    readonly sync: CacheSyncStats,
  ) {}

  static async open(options: LocalSqlOptions): Promise<LocalSql> {
    const partitions = listHourPartitions(options.dataDir);
    if (partitions.length === 0) throw new NoResultsError(options.dataDir);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    let throwaway: string | null = null;
    let file: string | null = null;
    try {
      if (options.cacheDir !== null) {
        mkdirSync(options.cacheDir, { recursive: true });
        file = defaultCacheFile(options.cacheDir, options.dataDir);
        if (!(await attachWritable(connection, file))) {
          options.onNote?.(`the query cache ${file} is busy in another process; reading a fresh copy`);
          file = null;
        }
      }
      if (file === null) {
        throwaway = mkdtempSync(join(tmpdir(), 'vendorwatch-sql-'));
        file = join(throwaway, 'results.duckdb');
        await attachWritable(connection, file);
      }
      const sync = await syncResultsCache(connection, {
        schema: CACHE_SCHEMA,
        dataDir: options.dataDir,
        partitions,
        stagingDir: mkdtempSync(join(tmpdir(), 'vendorwatch-staging-')),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      // Queries read the copy but cannot change it: it is reattached read-only.
      await connection.run(`DETACH ${CACHE_SCHEMA}`);
      await connection.run(`ATTACH '${file.replaceAll("'", "''")}' AS ${CACHE_SCHEMA} (READ_ONLY)`);
      await connection.run(`CREATE VIEW ${RESULTS_TABLE} AS SELECT * FROM ${CACHE_SCHEMA}.${RESULTS_TABLE}`);
      // Athena's dialect where it matters: UTC times, `x -> …` lambdas, its function names.
      await connection.run(`SET TimeZone = 'UTC'`);
      await connection.run(`SET lambda_syntax = 'ENABLE_SINGLE_ARROW'`);
      for (const statement of ATHENA_FUNCTIONS) await connection.run(statement);
      return new LocalSql(instance, connection, throwaway, sync);
    } catch (error) {
      connection.closeSync();
      instance.closeSync();
      if (throwaway) rmSync(throwaway, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * Runs one or more `;`-separated statements and returns the last one's rows. `params` bind the
   * `?` placeholders in order, across statements.
   */
  async query(sql: string, params: readonly string[] = []): Promise<QueryResult> {
    let result: DuckDBResultReader | null = null;
    let next = 0;
    try {
      const statements = await this.connection.extractStatements(sql);
      for (let index = 0; index < statements.count; index++) {
        const prepared = await statements.prepare(index);
        const values = params.slice(next, next + prepared.parameterCount);
        next += prepared.parameterCount;
        if (values.length < prepared.parameterCount) {
          throw new QueryError(
            `the query has more ? placeholders than the ${params.length} --param value(s) given`,
          );
        }
        values.forEach((value, position) => {
          prepared.bindVarchar(position + 1, value);
        });
        result = await prepared.runAndReadAll();
      }
    } catch (error) {
      if (error instanceof QueryError) throw error;
      // DuckDB's own words, without the binding's wrapper.
      throw new QueryError((error as Error).message.replace(/^Failed to extract statements: /, ''));
    }
    if (next < params.length) {
      throw new QueryError(
        `${params.length} --param value(s) given but the query has ${next} ? placeholder(s)`,
      );
    }
    if (!result) throw new QueryError('no SQL statement given');
    const types = result.columnTypes();
    return {
      columns: result.columnNames().map((name, index) => ({ name, type: String(types[index]) })),
      rows: result.convertRows(toJson),
    };
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
    if (this.throwaway) rmSync(this.throwaway, { recursive: true, force: true });
  }
}
