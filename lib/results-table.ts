import { Aws, Stack } from 'aws-cdk-lib';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  DATA_COLUMNS,
  hiveType,
  PARTITION_COLUMNS,
  projectionProperties,
  RESULTS_TABLE,
} from '../lambda/analysis/results-schema.ts';

export interface ResultsTableProps {
  /** The bucket holding `results/vendor=<id>/date=YYYY-MM-DD/hour=HH/…json`. */
  readonly bucket: IBucket;
  /** Vendors whose partitions Athena may read. */
  readonly vendorIds: readonly string[];
  /** Days of results kept; older dates are not projected. */
  readonly retentionDays: number;
  /**
   * Glue database name (lowercase letters, digits, underscores).
   * @default the stack name, lowercased
   */
  readonly databaseName?: string;
}

/**
 * A Glue table over the stored results so Athena can query them at any scale. Partition
 * projection computes partitions from the key layout: no crawler, no MSCK REPAIR, nothing to
 * keep in sync as results arrive. Evidence stays out of the columns; the JSON files keep it.
 *
 * Columns, partitions and projection come from `lambda/analysis/results-schema.ts`, the definition
 * the local DuckDB table is built from too, so a query written on one runs on the other unchanged.
 */
export class ResultsTable extends Construct {
  /** The database the table is in. */
  readonly databaseName: string;
  /** The table name, `results`. */
  readonly tableName = RESULTS_TABLE;
  /** The database resource: its Ref is the name, and orders what uses it after it. */
  readonly database: CfnDatabase;

  constructor(scope: Construct, id: string, props: ResultsTableProps) {
    super(scope, id);
    this.databaseName =
      props.databaseName ??
      Stack.of(this)
        .stackName.toLowerCase()
        .replace(/[^a-z0-9_]/g, '_');
    this.database = new CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: { name: this.databaseName, description: 'vendorwatch probe results' },
    });
    const location = `s3://${props.bucket.bucketName}/results/`;

    new CfnTable(this, 'Table', {
      catalogId: Aws.ACCOUNT_ID,
      // The Ref (the name) also orders the table after its database.
      databaseName: this.database.ref,
      tableInput: {
        name: this.tableName,
        description: 'One row per probe result; verdict and checks as stored, evidence left out',
        tableType: 'EXTERNAL_TABLE',
        // Strings, as the key spells them; the key's date=… is the `day` column (DATE is reserved).
        partitionKeys: PARTITION_COLUMNS.map((column) => ({ name: column.name, type: 'string' })),
        parameters: {
          classification: 'json',
          ...projectionProperties(location, props.vendorIds.join(','), props.retentionDays),
        },
        storageDescriptor: {
          location,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: {
            serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
            // The default, stated: JSON keys match columns ignoring case, so `startedAt` fills
            // `startedat` and `httpStatus` fills `checks[].httpstatus`.
            parameters: { 'case.insensitive': 'TRUE' },
          },
          columns: DATA_COLUMNS.map((column) => ({
            name: column.name,
            type: hiveType(column.type),
            ...(column.comment ? { comment: column.comment } : {}),
          })),
        },
      },
    });
  }
}
