import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Where Athena writes query results (the workgroup enforces it); expired after a few days. */
export const QUERY_RESULTS_PREFIX = 'athena-results/';

export interface EvidenceBucketProps {
  /** Days a probe result (with its evidence) is kept under `results/`. */
  readonly resultsRetentionDays: number;
  /**
   * Days an overwritten or deleted object version is kept: the way back from a bad state write.
   * @default 30
   */
  readonly noncurrentVersionDays?: number;
  /**
   * Days Athena's query results under `athena-results/` are kept: they are copies of what
   * `results/` holds, kept only to be downloaded after a query.
   * @default 7
   */
  readonly queryResultsRetentionDays?: number;
  /**
   * Days the server access logs are kept.
   * @default 90
   */
  readonly accessLogRetentionDays?: number;
  /**
   * What deleting the stack does to both buckets.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The monitor's memory: results, state, incidents and postmortems in one bucket (layout in
 * `lambda/core/storage-layout.ts`), Athena's query results under `athena-results/`, with its
 * server access logs in a second one.
 *
 * SSE-S3 rather than KMS: the objects hold redacted evidence, never secrets, and a customer key
 * would add a KMS request to every probe PUT and every state read for no reader we need to keep out.
 */
export class EvidenceBucket extends Construct {
  /** The bucket the functions read and write. */
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: EvidenceBucketProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    const accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(props.accessLogRetentionDays ?? 90) }],
      removalPolicy,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access-log bucket; logging it to itself would loop and to a third bucket adds nothing.',
    });

    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // State is rewritten on every change; a version history makes a bad write recoverable.
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      lifecycleRules: [
        { id: 'expire-results', prefix: 'results/', expiration: Duration.days(props.resultsRetentionDays) },
        {
          id: 'expire-query-results',
          prefix: QUERY_RESULTS_PREFIX,
          expiration: Duration.days(props.queryResultsRetentionDays ?? 7),
          // Nothing overwrites query results: their versions need no 30 days of history.
          noncurrentVersionExpiration: Duration.days(1),
        },
        {
          id: 'expire-old-versions',
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays ?? 30),
          // Expired results leave delete markers behind; drop them once no version is left under them.
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy,
    });
  }
}
