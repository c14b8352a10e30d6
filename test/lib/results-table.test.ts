import { describe, expect, it } from 'vitest';
import { athenaDdl, DATA_COLUMNS, hiveType } from '../../lambda/analysis/results-schema.ts';
import { CUSTOM_CONFIG, logicalIdOf, synthesizeOnce } from './synthesized.ts';

const synth = synthesizeOnce();
const custom = synthesizeOnce({ configFile: CUSTOM_CONFIG });

const tableInput = (template = synth.template) => {
  const [table] = Object.values(template.findResources('AWS::Glue::Table'));
  return table!.Properties.TableInput;
};

/** A template value with the evidence bucket's Ref as `BUCKET`: `{Fn::Join: ['', ['s3://', {Ref}, …]]}`. */
const withBucket = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const bucket = logicalIdOf(synth.template, 'AWS::S3::Bucket', 'EvidenceBucket');
  const [separator, parts] = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return parts
    .map((part) => (JSON.stringify(part) === JSON.stringify({ Ref: bucket }) ? 'BUCKET' : part))
    .join(separator);
};

/** The documented DDL's TBLPROPERTIES, `'key' = 'value'` a line. */
const ddlProperties = (ddl: string): Record<string, string> =>
  Object.fromEntries(
    [...ddl.matchAll(/^ {2}'([^']+)' = '([^']*)',?$/gm)].map(([, key, value]) => [key, value]),
  );

describe('ResultsTable', () => {
  it('puts a results table in the stack’s database', () => {
    const databaseId = logicalIdOf(synth.template, 'AWS::Glue::Database', 'Results');

    synth.template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'vendorwatch' } });
    synth.template.hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: { Ref: databaseId },
      TableInput: { Name: 'results', TableType: 'EXTERNAL_TABLE' },
    });
  });

  it('projects vendor, day and hour partitions from the key layout, over the retention window', () => {
    const parameters = Object.fromEntries(
      Object.entries(tableInput().Parameters).map(([key, value]) => [key, withBucket(value)]),
    );

    expect(tableInput().PartitionKeys).toEqual([
      { Name: 'vendor', Type: 'string' },
      { Name: 'day', Type: 'string' },
      { Name: 'hour', Type: 'string' },
    ]);
    expect(parameters).toEqual({
      classification: 'json',
      'projection.enabled': 'true',
      'projection.vendor.type': 'enum',
      'projection.vendor.values': 'miro,ideogram,billing',
      'projection.day.type': 'date',
      'projection.day.format': 'yyyy-MM-dd',
      'projection.day.range': 'NOW-90DAYS,NOW',
      'projection.day.interval': '1',
      'projection.day.interval.unit': 'DAYS',
      'projection.hour.type': 'integer',
      'projection.hour.range': '0,23',
      'projection.hour.digits': '2',
      // The key's `date=` segment fills the `day` column.
      'storage.location.template': `s3://BUCKET/results/vendor=\${vendor}/date=\${day}/hour=\${hour}/`,
    });
    expect(withBucket(tableInput().StorageDescriptor.Location)).toBe('s3://BUCKET/results/');
  });

  it('declares exactly the projection and location of the documented DDL', () => {
    const { classification, ...projection } = tableInput().Parameters;

    expect(classification).toBe('json');
    expect(
      Object.fromEntries(Object.entries(projection).map(([key, value]) => [key, withBucket(value)])),
    ).toEqual(ddlProperties(athenaDdl('BUCKET', 'miro,ideogram,billing', 90)));
    expect(athenaDdl()).toContain(`LOCATION '${withBucket(tableInput().StorageDescriptor.Location)}'`);
  });

  it('projects the configured vendors over the configured retention', () => {
    expect(tableInput(custom.template).Parameters).toMatchObject({
      'projection.vendor.values': 'miro,miro-eu,ideogram,acme,billing',
      'projection.day.range': 'NOW-30DAYS,NOW',
    });
  });

  it('reads the stored JSON with the OpenX SerDe, matching camelCase keys to lowercase columns', () => {
    expect(tableInput().StorageDescriptor).toMatchObject({
      InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
      OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
      SerdeInfo: {
        SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
        Parameters: { 'case.insensitive': 'TRUE' },
      },
    });
  });

  it('declares the columns results-schema.ts defines, rate-limit facts included', () => {
    const columns = tableInput().StorageDescriptor.Columns;

    expect(columns).toEqual(
      DATA_COLUMNS.map((column) => ({
        Name: column.name,
        Type: hiveType(column.type),
        ...(column.comment ? { Comment: column.comment } : {}),
      })),
    );
    // Spelled out once, so a change to the shared definition shows up here too.
    expect(columns).toEqual([
      { Name: 'startedat', Type: 'string', Comment: 'ISO 8601, UTC, e.g. 2026-01-02T14:02:00.000Z' },
      { Name: 'durationms', Type: 'double' },
      {
        Name: 'verdict',
        Type: 'struct<severity:string,cause:string,side:string,summary:string,action:string,confirmed:boolean>',
      },
      {
        Name: 'checks',
        Type:
          'array<struct<name:string,outcome:string,httpstatus:int,latencyms:double,detail:string,signal:string,attempts:int,' +
          'facts:struct<limit:double,remaining:double,reset:double,retryafterseconds:double>>>',
      },
    ]);
    // The documented DDL declares the same types (it only quotes field names).
    for (const { Name, Type } of columns)
      expect(athenaDdl().replaceAll('`', '')).toContain(`  ${Name} ${Type}`);
  });
});
