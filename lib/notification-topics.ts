import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SubscriptionFilter, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { Subscriber } from '../lambda/config/load-config.ts';

export interface NotificationTopicsProps {
  /** Email subscribers of the on-call topic (P1–P4 opens, escalations, reminders, resolves). */
  readonly pagerSubscribers: readonly Subscriber[];
  /** Email subscribers of the external status-page topic. */
  readonly statusPageSubscribers: readonly Subscriber[];
}

/**
 * The two SNS topics the state function publishes to and the alarms page through, encrypted with
 * one customer managed key: CloudWatch alarms cannot publish to a topic under the AWS managed
 * `alias/aws/sns` key, whose policy cannot be extended to the CloudWatch service.
 */
export class NotificationTopics extends Construct {
  /** On-call: incident events with internal detail, and the monitor's own alarms. */
  readonly pager: Topic;
  /** External wording only: what a status page or customer channel may show. */
  readonly statusPage: Topic;
  private readonly key: Key;

  constructor(scope: Construct, id: string, props: NotificationTopicsProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'Encrypts the vendorwatch pager and status-page topics',
      enableKeyRotation: true,
      // Messages are transient; nothing stays encrypted under this key once the topics are gone.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
      }),
    );
    this.pager = this.topic('Pager', 'vendorwatch pager', props.pagerSubscribers);
    this.statusPage = this.topic('StatusPage', 'vendorwatch status page', props.statusPageSubscribers);
  }

  /** Lets a function publish to both topics: the publish itself and the data key SNS encrypts it with. */
  grantPublish(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['sns:Publish'],
        resources: [this.pager.topicArn, this.statusPage.topicArn],
      }),
    );
    this.key.grant(grantee, 'kms:Decrypt', 'kms:GenerateDataKey');
  }

  private topic(id: string, displayName: string, subscribers: readonly Subscriber[]): Topic {
    const topic = new Topic(this, id, {
      displayName,
      masterKey: this.key,
      enforceSSL: true,
      // SHA256 signatures for https subscribers that verify what they receive.
      signatureVersion: '2',
    });
    for (const subscriber of subscribers) {
      topic.addSubscription(
        new EmailSubscription(subscriber.email, { filterPolicy: filterPolicy(subscriber) }),
      );
    }
    return topic;
  }
}

/** Matches the message attributes the state function sets (`severity`, `event`); none means everything. */
function filterPolicy(subscriber: Subscriber): Record<string, SubscriptionFilter> | undefined {
  const policy: Record<string, SubscriptionFilter> = {};
  if (subscriber.severities)
    policy.severity = SubscriptionFilter.stringFilter({ allowlist: subscriber.severities });
  if (subscriber.events) policy.event = SubscriptionFilter.stringFilter({ allowlist: subscriber.events });
  return Object.keys(policy).length > 0 ? policy : undefined;
}
