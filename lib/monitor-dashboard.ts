import { Aws, Duration } from 'aws-cdk-lib';
import {
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IAlarm,
  type IMetric,
  type IWidget,
  Stats,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { vendorMetric } from './vendor-metrics.ts';

export interface MonitorDashboardProps {
  /** One row of graphs per vendor. */
  readonly vendorIds: readonly string[];
  /** The monitor's functions, keyed by the name their series carry. */
  readonly functions: Readonly<Record<string, IFunction>>;
  /** The dead-letter queues, keyed by the name their series carry. */
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  /** Shown on top, so a glance tells whether anything pages. */
  readonly alarms: readonly IAlarm[];
  /**
   * Time range the dashboard opens with.
   * @default Duration.hours(12)
   */
  readonly defaultInterval?: Duration;
}

const FULL_WIDTH = 24;
const THIRD = FULL_WIDTH / 3;

/**
 * One page for the vendors and the monitor: per vendor API latency, probes and findings, open
 * incident; then the functions' errors and durations and the dead-letter queues' depth.
 */
export class MonitorDashboard extends Construct {
  /** Opens the dashboard in the CloudWatch console. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: MonitorDashboardProps) {
    super(scope, id);
    const functions = Object.entries(props.functions);
    const dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: props.defaultInterval ?? Duration.hours(12),
      widgets: [
        [new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: FULL_WIDTH })],
        ...props.vendorIds.map(vendorRow),
        [
          graph(
            'Function errors',
            functions.map(([name, fn]) => fn.metricErrors({ label: name })),
          ),
          graph(
            'Function duration p95 (ms)',
            functions.map(([name, fn]) => fn.metricDuration({ label: name, statistic: Stats.p(95) })),
          ),
          graph(
            'Dead-letter queue depth',
            Object.entries(props.deadLetterQueues).map(([name, queue]) =>
              queue.metricApproximateNumberOfMessagesVisible({ label: name, statistic: Stats.MAXIMUM }),
            ),
          ),
        ],
      ],
    });
    this.url = `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards/dashboard/${dashboard.dashboardName}`;
  }
}

function vendorRow(vendorId: string): IWidget[] {
  return [
    graph(`${vendorId}: API latency (ms)`, [
      vendorMetric('ApiLatency', vendorId, { statistic: Stats.p(50), label: 'p50' }),
      vendorMetric('ApiLatency', vendorId, { statistic: Stats.p(95), label: 'p95' }),
    ]),
    graph(`${vendorId}: probes and findings`, [
      vendorMetric('ProbeCompleted', vendorId, { statistic: Stats.SUM, label: 'probes' }),
      vendorMetric('Finding', vendorId, { statistic: Stats.SUM, label: 'findings' }),
    ]),
    graph(`${vendorId}: open incident`, [
      vendorMetric('OpenIncidents', vendorId, { statistic: Stats.MAXIMUM, label: 'open' }),
    ]),
  ];
}

function graph(title: string, metrics: IMetric[]): GraphWidget {
  return new GraphWidget({ title, left: metrics, width: THIRD });
}
