/**
 * The `results` table: one row per stored probe result, the same name and columns in Athena (Glue
 * table over S3) and in local SQL (DuckDB over the data directory), so a query written on one runs
 * on the other unchanged. This file is the single definition both are derived from.
 *
 * Column and field names are lowercase because Athena folds every identifier to lowercase; the
 * stored JSON keeps its camelCase keys (`startedAt`, `httpStatus`) and both engines map them.
 * `evidence` is left out (large; the JSON files keep it), and so are the facts no question needs.
 */

type Scalar = 'string' | 'double' | 'int' | 'boolean';

export type FieldType =
  | { kind: 'scalar'; scalar: Scalar }
  | { kind: 'struct'; fields: readonly Field[] }
  | { kind: 'array'; of: FieldType };

export interface Field {
  /** The table's name for it: lowercase, as both engines show it. */
  name: string;
  /** The key in the stored JSON. */
  jsonKey: string;
  type: FieldType;
  comment?: string;
}

const scalar = (type: Scalar): FieldType => ({ kind: 'scalar', scalar: type });
const struct = (...fields: Field[]): FieldType => ({ kind: 'struct', fields });
const field = (jsonKey: string, type: FieldType, comment?: string): Field => ({
  name: jsonKey.toLowerCase(),
  jsonKey,
  type,
  ...(comment ? { comment } : {}),
});

export const RESULTS_TABLE = 'results';

const VERDICT = struct(
  field('severity', scalar('string')),
  field('cause', scalar('string')),
  field('side', scalar('string')),
  field('summary', scalar('string')),
  field('action', scalar('string')),
  field('confirmed', scalar('boolean')),
);

/** Only the rate-limit numbers: the other checks' facts (components, scopes) read as NULL here. */
const RATE_LIMIT_FACTS = struct(
  field('limit', scalar('double')),
  field('remaining', scalar('double')),
  field('reset', scalar('double')),
  field('retryAfterSeconds', scalar('double')),
);

const CHECK = struct(
  field('name', scalar('string')),
  field('outcome', scalar('string')),
  field('httpStatus', scalar('int')),
  field('latencyMs', scalar('double')),
  field('detail', scalar('string')),
  field('signal', scalar('string')),
  field('attempts', scalar('int')),
  field('facts', RATE_LIMIT_FACTS),
);

/** Columns read from each result's JSON, in table order. */
export const DATA_COLUMNS: readonly Field[] = [
  field('startedAt', scalar('string'), 'ISO 8601, UTC, e.g. 2026-01-02T14:02:00.000Z'),
  field('durationMs', scalar('double')),
  field('verdict', VERDICT),
  field('checks', { kind: 'array', of: CHECK }),
];

/**
 * Partition columns, from the key `results/vendor=<id>/date=YYYY-MM-DD/hour=HH/…`. The key's `date`
 * is exposed as `day` because DATE is a reserved word in Athena; all three are strings (`hour` is
 * `'00'`–`'23'`), so filters compare the same way in both engines.
 */
export const PARTITION_COLUMNS = [
  { name: 'vendor', pathKey: 'vendor' },
  { name: 'day', pathKey: 'date' },
  { name: 'hour', pathKey: 'hour' },
] as const;

const HIVE_SCALAR: Record<Scalar, string> = {
  string: 'string',
  double: 'double',
  int: 'int',
  boolean: 'boolean',
};
const DUCKDB_SCALAR: Record<Scalar, string> = {
  string: 'VARCHAR',
  double: 'DOUBLE',
  int: 'INTEGER',
  boolean: 'BOOLEAN',
};

/** The Glue/Hive type string, e.g. `array<struct<name:string,…>>`, as Glue's `Columns[].Type` takes it. */
export function hiveType(type: FieldType): string {
  switch (type.kind) {
    case 'scalar':
      return HIVE_SCALAR[type.scalar];
    case 'array':
      return `array<${hiveType(type.of)}>`;
    case 'struct':
      return `struct<${type.fields.map((f) => `${f.name}:${hiveType(f.type)}`).join(',')}>`;
  }
}

const quoted = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * The DuckDB type string. `keys: 'json'` names struct fields as the JSON spells them (what
 * `read_json` must be given, since it matches keys case-sensitively); `keys: 'table'` names them as
 * the table does. DuckDB casts one to the other by name, ignoring case.
 */
export function duckdbType(type: FieldType, keys: 'json' | 'table'): string {
  switch (type.kind) {
    case 'scalar':
      return DUCKDB_SCALAR[type.scalar];
    case 'array':
      return `${duckdbType(type.of, keys)}[]`;
    case 'struct':
      return `STRUCT(${type.fields
        .map((f) => `${quoted(keys === 'json' ? f.jsonKey : f.name)} ${duckdbType(f.type, keys)}`)
        .join(', ')})`;
  }
}

/** Hive DDL quotes every struct field, so reserved words such as `limit` parse. */
function hiveDdlType(type: FieldType): string {
  switch (type.kind) {
    case 'scalar':
      return HIVE_SCALAR[type.scalar];
    case 'array':
      return `array<${hiveDdlType(type.of)}>`;
    case 'struct':
      return `struct<${type.fields.map((f) => `\`${f.name}\`:${hiveDdlType(f.type)}`).join(',')}>`;
  }
}

/**
 * The Glue table's parameters for partition projection: vendors from config, days over the
 * retention window, hours `00`–`23`, and the key layout each partition is read from (the key's
 * `date=` is the `day` column). `location` is the table location, ending in `/`.
 */
export function projectionProperties(
  location: string,
  vendorIds: string,
  retentionDays: number,
): Record<string, string> {
  const template = PARTITION_COLUMNS.map((column) => `${column.pathKey}=\${${column.name}}`).join('/');
  return {
    'projection.enabled': 'true',
    'projection.vendor.type': 'enum',
    'projection.vendor.values': vendorIds,
    'projection.day.type': 'date',
    'projection.day.format': 'yyyy-MM-dd',
    'projection.day.range': `NOW-${retentionDays}DAYS,NOW`,
    'projection.day.interval': '1',
    'projection.day.interval.unit': 'DAYS',
    'projection.hour.type': 'integer',
    'projection.hour.range': '0,23',
    'projection.hour.digits': '2',
    'storage.location.template': `${location}${template}/`,
  };
}

/**
 * The Athena DDL the local table implies (what the Glue table must declare), for docs and review.
 * lib/results-table.ts declares the same columns and projection from the same definitions.
 */
export function athenaDdl(
  bucket = 'BUCKET',
  vendorIds = 'miro,ideogram,billing',
  retentionDays = 90,
): string {
  const location = `s3://${bucket}/results/`;
  const columns = DATA_COLUMNS.map(
    (column) =>
      `  \`${column.name}\` ${hiveDdlType(column.type)}${column.comment ? ` COMMENT '${column.comment}'` : ''}`,
  );
  const properties = projectionProperties(location, vendorIds, retentionDays);
  return [
    `CREATE EXTERNAL TABLE ${RESULTS_TABLE} (`,
    columns.join(',\n'),
    ')',
    `PARTITIONED BY (${PARTITION_COLUMNS.map((column) => `\`${column.name}\` string`).join(', ')})`,
    "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'",
    `LOCATION '${location}'`,
    'TBLPROPERTIES (',
    Object.entries(properties)
      .map(([key, value]) => `  '${key}' = '${value}'`)
      .join(',\n'),
    ');',
  ].join('\n');
}
