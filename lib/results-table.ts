import { Aws, Stack } from 'aws-cdk-lib';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

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
 */
export class ResultsTable extends Construct {
  /** The database the table is in. */
  readonly databaseName: string;
  /** The table name, `results`. */
  readonly tableName = 'results';

  constructor(scope: Construct, id: string, props: ResultsTableProps) {
    super(scope, id);
    this.databaseName =
      props.databaseName ??
      Stack.of(this)
        .stackName.toLowerCase()
        .replace(/[^a-z0-9_]/g, '_');
    const database = new CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: { name: this.databaseName, description: 'vendorwatch probe results' },
    });
    const results = `s3://${props.bucket.bucketName}/results`;

    new CfnTable(this, 'Table', {
      catalogId: Aws.ACCOUNT_ID,
      // The Ref (the name) also orders the table after its database.
      databaseName: database.ref,
      tableInput: {
        name: this.tableName,
        description: 'One row per probe result; verdict and checks as stored, evidence left out',
        tableType: 'EXTERNAL_TABLE',
        // `date` is a reserved word in Athena, so the key's date=… is queried as `day`.
        partitionKeys: [
          { name: 'vendor', type: 'string' },
          { name: 'day', type: 'string' },
          { name: 'hour', type: 'string' },
        ],
        parameters: {
          classification: 'json',
          'projection.enabled': 'true',
          'projection.vendor.type': 'enum',
          'projection.vendor.values': props.vendorIds.join(','),
          'projection.day.type': 'date',
          'projection.day.format': 'yyyy-MM-dd',
          'projection.day.range': `NOW-${props.retentionDays}DAYS,NOW`,
          'projection.day.interval': '1',
          'projection.day.interval.unit': 'DAYS',
          'projection.hour.type': 'integer',
          'projection.hour.range': '0,23',
          'projection.hour.digits': '2',
          'storage.location.template': `${results}/vendor=\${vendor}/date=\${day}/hour=\${hour}/`,
        },
        storageDescriptor: {
          location: `${results}/`,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          // Case-insensitive by default: `startedAt` in the JSON fills `startedat`.
          serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
          columns: [
            { name: 'startedat', type: 'string', comment: 'ISO 8601, UTC' },
            { name: 'durationms', type: 'double' },
            {
              name: 'verdict',
              type: 'struct<severity:string,cause:string,side:string,summary:string,action:string,confirmed:boolean>',
            },
            {
              name: 'checks',
              type: 'array<struct<name:string,outcome:string,httpstatus:int,latencyms:double,detail:string,signal:string,attempts:int>>',
            },
          ],
        },
      },
    });
  }
}
