import { Aws } from 'aws-cdk-lib';
import { CfnNamedQuery, CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { POSTMORTEM_QUERIES } from '../lambda/analysis/postmortem-queries.ts';
import { QUERY_RESULTS_PREFIX } from './evidence-bucket.ts';
import type { ResultsTable } from './results-table.ts';

/** 10 GiB, $0.05 at most: ten vendors' results of 90 days at one a minute are about 7 GiB (5.4 KiB each). */
const DEFAULT_BYTES_SCANNED_CUTOFF = 10 * 1024 ** 3;

export interface ResultsQueriesProps {
  /** The table the queries read. */
  readonly table: ResultsTable;
  /** The evidence bucket: query results go to its `athena-results/`, which expires them. */
  readonly bucket: IBucket;
  /**
   * The workgroup's name.
   * @default the table's database name
   */
  readonly workGroupName?: string;
  /**
   * A query that would scan more than this many bytes is cancelled (Athena bills per byte scanned).
   * @default 10 GiB
   */
  readonly bytesScannedCutoffPerQuery?: number;
}

const pascal = (name: string): string =>
  name.replace(/(^|-)([a-z0-9])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());

/**
 * An Athena workgroup for the results table and the postmortem questions saved in it as named
 * queries. The workgroup enforces its settings, so every query run in it writes SSE-S3-encrypted
 * results to the evidence bucket's `athena-results/` (expired by the bucket's lifecycle) and is
 * cancelled past the bytes-scanned cutoff, whatever the client asks for.
 *
 * The named queries are `POSTMORTEM_QUERIES` verbatim, `?` placeholders included: Athena binds
 * them as execution parameters (the console asks for the values; the CLI takes
 * `--execution-parameters`), so the SQL saved here is the SQL the local tests run.
 */
export class ResultsQueries extends Construct {
  /** The workgroup's name. */
  readonly workGroupName: string;
  readonly workGroup: CfnWorkGroup;

  constructor(scope: Construct, id: string, props: ResultsQueriesProps) {
    super(scope, id);
    this.workGroupName = props.workGroupName ?? props.table.databaseName;
    this.workGroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: `vendorwatch: queries over ${props.table.databaseName}.${props.table.tableName}`,
      state: 'ENABLED',
      // Deleting the stack deletes the workgroup with its saved queries and query history (the
      // result files stay in the bucket until they expire).
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery ?? DEFAULT_BYTES_SCANNED_CUTOFF,
        // Engine 3 (Trino): what the portable SQL in lambda/analysis is written and checked against.
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${props.bucket.bucketName}/${QUERY_RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
          expectedBucketOwner: Aws.ACCOUNT_ID,
        },
      },
    });

    for (const query of POSTMORTEM_QUERIES) {
      new CfnNamedQuery(this, pascal(query.name), {
        name: query.name,
        description: `${query.description}. Parameters (?), in order, strings in single quotes: ${query.parameters.join('; ')}`,
        // The Refs are the names, and order each query after its workgroup and database.
        workGroup: this.workGroup.ref,
        database: props.table.database.ref,
        queryString: query.sql,
      });
    }
  }
}
