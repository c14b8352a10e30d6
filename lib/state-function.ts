import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { DeployConfig } from './deploy-config.ts';
import { MonitorFunction } from './monitor-function.ts';
import type { NotificationTopics } from './notification-topics.ts';

export interface StateFunctionProps {
  /** The config whose policy decides when incidents open and resolve. */
  readonly deployConfig: DeployConfig;
  /** Holds the results it reads and the state, incidents and postmortems it writes. */
  readonly bucket: IBucket;
  /** Where incident events are published. */
  readonly topics: NotificationTopics;
}

/**
 * Applies each stored result to its vendor's state: reads results, state and incidents, writes
 * state, incidents and postmortems, and publishes incident events to both topics.
 */
export class StateFunction extends MonitorFunction {
  constructor(scope: Construct, id: string, props: StateFunctionProps) {
    const { bucket, topics } = props;
    super(scope, id, {
      handlerFile: 'state-handler.ts',
      description: 'vendorwatch: turns each stored result into incident state and notifications',
      configDocument: props.deployConfig.document,
      environment: {
        RESULTS_BUCKET: bucket.bucketName,
        PAGER_TOPIC_ARN: topics.pager.topicArn,
        STATUS_PAGE_TOPIC_ARN: topics.statusPage.topicArn,
      },
      timeout: Duration.seconds(30),
      // Safe to retry: state writes are conditional and notifications carry a dedupKey.
      retryAttempts: 2,
    });
    this.allowObjects(bucket, {
      read: ['results/', 'state/', 'incidents/'],
      write: ['state/', 'incidents/', 'postmortems/'],
    });
    // Unconditioned on purpose: S3 answers a GetObject for a missing key with 404 only when the caller
    // may list the bucket, and that check carries no s3:prefix, so a prefix-conditioned grant turns a
    // vendor's first state read (state/<vendor>.json does not exist yet) into AccessDenied.
    this.lambdaFunction.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
    );
    topics.grantPublish(this.lambdaFunction);
  }
}
