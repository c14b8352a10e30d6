import { CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { EventType } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type { Construct } from 'constructs';
import type { DeployConfig } from './deploy-config.ts';
import { EvidenceBucket } from './evidence-bucket.ts';
import { MonitorAlarms } from './monitor-alarms.ts';
import { MonitorDashboard } from './monitor-dashboard.ts';
import { NotificationTopics } from './notification-topics.ts';
import { ProbeFunction } from './probe-function.ts';
import { ProbeSchedules } from './probe-schedules.ts';
import { ResultsQueries } from './results-queries.ts';
import { ResultsTable } from './results-table.ts';
import { StateFunction } from './state-function.ts';

export interface VendorwatchStackProps extends StackProps {
  /** The validated config: vendors, schedule, subscribers, retention; the functions embed its document. */
  readonly deployConfig: DeployConfig;
}

/**
 * vendorwatch on AWS: Scheduler invokes the probe per vendor, the probe stores a result in S3, the
 * stored result triggers the state function, which keeps incidents and notifies through SNS.
 * Alarms page when the monitor itself stops.
 */
export class VendorwatchStack extends Stack {
  constructor(scope: Construct, id: string, props: VendorwatchStackProps) {
    super(scope, id, props);
    const { config } = props.deployConfig;
    const vendorIds = config.vendors.map((vendor) => vendor.id);

    const { bucket } = new EvidenceBucket(this, 'Evidence', {
      resultsRetentionDays: config.storage.resultsRetentionDays,
    });
    const topics = new NotificationTopics(this, 'Notifications', {
      pagerSubscribers: config.notify.pager,
      statusPageSubscribers: config.notify.statusPage,
    });
    const probe = new ProbeFunction(this, 'Probe', { deployConfig: props.deployConfig, bucket });
    const state = new StateFunction(this, 'State', { deployConfig: props.deployConfig, bucket, topics });
    const schedules = new ProbeSchedules(this, 'Schedules', {
      vendorIds,
      everyMinutes: config.schedule.everyMinutes,
      probe: probe.lambdaFunction,
    });

    bucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(state.lambdaFunction), {
      prefix: 'results/',
      suffix: '.json',
    });
    this.acknowledgeNotificationHandler();

    const table = new ResultsTable(this, 'Results', {
      bucket,
      vendorIds,
      retentionDays: config.storage.resultsRetentionDays,
    });
    const queries = new ResultsQueries(this, 'Queries', { table, bucket });

    const functions = { probe: probe.lambdaFunction, state: state.lambdaFunction };
    const deadLetterQueues = {
      'probe-invocations': probe.deadLetterQueue,
      'state-invocations': state.deadLetterQueue,
      'schedule-deliveries': schedules.deadLetterQueue,
    };
    const { alarms } = new MonitorAlarms(this, 'Alarms', {
      scheduleGroups: schedules.groupsByVendor,
      everyMinutes: config.schedule.everyMinutes,
      functions,
      deadLetterQueues,
      pager: topics.pager,
    });
    const dashboard = new MonitorDashboard(this, 'Dashboard', {
      scheduleGroups: schedules.groupsByVendor,
      everyMinutes: config.schedule.everyMinutes,
      resultLogs: probe.logGroup,
      incidentLogs: state.logGroup,
      functions,
      deadLetterQueues,
      alarms,
    });

    new CfnOutput(this, 'EvidenceBucketName', { value: bucket.bucketName });
    new CfnOutput(this, 'PagerTopicArn', { value: topics.pager.topicArn });
    new CfnOutput(this, 'StatusPageTopicArn', { value: topics.statusPage.topicArn });
    new CfnOutput(this, 'DashboardUrl', { value: dashboard.url });
    new CfnOutput(this, 'ResultsTable', {
      value: `${table.databaseName}.${table.tableName}`,
      description: 'Athena: SELECT * FROM <this> WHERE vendor = ... AND day >= ...',
    });
    new CfnOutput(this, 'AthenaWorkGroup', {
      value: queries.workGroup.ref,
      description: 'Run queries here: it holds the postmortem queries and bounds what they scan and keep',
    });
    new CfnOutput(this, 'SubscribeHint', {
      description: 'Add a webhook (or chat/pager integration) that only gets P1 and P2 events',
      value: `aws sns subscribe --topic-arn ${topics.pager.topicArn} --protocol https --notification-endpoint https://hooks.example.com/vendorwatch --attributes '{"FilterPolicy":"{\\"severity\\":[\\"P1\\",\\"P2\\"]}"}'`,
    });
  }

  /**
   * CDK configures bucket notifications through a singleton custom resource (a notification set on
   * the bucket directly would be a dependency cycle with the function's invoke permission).
   */
  private acknowledgeNotificationHandler(): void {
    const handler = this.node.findChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834');
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "CDK's bucket-notification custom resource; it runs only during deployments and only writes its logs.",
    });
  }
}
