import { Aws, Duration } from 'aws-cdk-lib';
import {
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IAlarm,
  type IMetric,
  type IWidget,
  LogQueryVisualizationType,
  LogQueryWidget,
  MathExpression,
  Stats,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { IScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC } from '../lambda/handlers/telemetry.ts';
import {
  FUNCTION_FAILURES_QUERY,
  INCIDENTS_BY_VENDOR_QUERY,
  VENDORS_SUMMARY_QUERY,
  vendorLatencyQuery,
  vendorOutcomesQuery,
} from './monitor-log-queries.ts';
import { monitorMetric } from './monitor-metrics.ts';

export interface MonitorDashboardProps {
  /** Each vendor's schedule group, by vendor id: one row of graphs per vendor, in this order. */
  readonly scheduleGroups: Readonly<Record<string, IScheduleGroup>>;
  /** Minutes between two probes of the same vendor. */
  readonly everyMinutes: number;
  /** The probe's log group: one `result stored` line per result, indexed on the vendor. */
  readonly resultLogs: ILogGroup;
  /** The state function's log group: one `incident event` line per incident event. */
  readonly incidentLogs: ILogGroup;
  /** The monitor's functions, keyed by the name their series carry. */
  readonly functions: Readonly<Record<string, IFunction>>;
  /** The dead-letter queues, keyed by the name their series carry. */
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  /** Shown on top, so a glance tells whether anything pages. */
  readonly alarms: readonly IAlarm[];
  /**
   * Time range the dashboard opens with; the Logs Insights widgets scan, and bill, that much log.
   * @default Duration.hours(12)
   */
  readonly defaultInterval?: Duration;
}

const FULL_WIDTH = 24;
const HALF = FULL_WIDTH / 2;
const THIRD = FULL_WIDTH / 3;
/** Results per point of a vendor's graphs, so a p95 has a few samples to come from. */
const RESULTS_PER_BIN = 5;

/**
 * One page for the vendors and the monitor. Per-vendor figures come from Logs Insights over the
 * handlers' log lines (monitor-log-queries.ts), which cost per GB scanned when viewed instead of a
 * custom metric per vendor every month; the metrics graphed are AWS's own or the handlers' few
 * deployment-wide ones. Top down: alarms; every vendor at a glance; deployment-wide probes, open
 * incidents and Scheduler invocations; a row per vendor; the functions and dead-letter queues.
 */
export class MonitorDashboard extends Construct {
  /** Opens the dashboard in the CloudWatch console. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: MonitorDashboardProps) {
    super(scope, id);
    const vendors = Object.entries(props.scheduleGroups);
    const functions = Object.entries(props.functions);
    const binMinutes = RESULTS_PER_BIN * props.everyMinutes;
    const resultLogs = [props.resultLogs.logGroupName];
    const dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: props.defaultInterval ?? Duration.hours(12),
      widgets: [
        [new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: FULL_WIDTH })],
        [
          logTable(
            'Vendors: probes, findings, API p95 (ms), last cause and result',
            resultLogs,
            VENDORS_SUMMARY_QUERY,
            2 * THIRD,
          ),
          logTable(
            'Incidents: latest event per vendor (open unless resolved)',
            [props.incidentLogs.logGroupName],
            INCIDENTS_BY_VENDOR_QUERY,
            THIRD,
          ),
        ],
        [
          graph('Probes and findings, all vendors', [
            monitorMetric(METRIC.probeCompleted, { statistic: Stats.SUM, label: 'probes' }),
            monitorMetric(METRIC.finding, { statistic: Stats.SUM, label: 'findings' }),
          ]),
          graph('Open incidents, all vendors', [openIncidents(vendors.length)]),
          graph(
            'Probe invocations by Scheduler',
            vendors.map(([vendorId, group]) => group.metricAttempts({ label: vendorId })),
          ),
        ],
        ...vendors.map(([vendorId]) => [
          logGraph(`${vendorId}: API latency (ms)`, resultLogs, vendorLatencyQuery(vendorId, binMinutes)),
          logGraph(`${vendorId}: probes and findings`, resultLogs, vendorOutcomesQuery(vendorId, binMinutes)),
        ]),
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
        [
          logTable(
            'Function failures, latest first',
            [props.resultLogs.logGroupName, props.incidentLogs.logGroupName],
            FUNCTION_FAILURES_QUERY,
            FULL_WIDTH,
          ),
        ],
      ],
    });
    this.url = `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards/dashboard/${dashboard.dashboardName}`;
  }
}

/**
 * Every applied result reports 1 when its vendor has an incident open and 0 otherwise, with no vendor
 * dimension. Vendors report equally often, so the average is the share of vendors with one open; times
 * the vendor count, that share is the number of open incidents.
 */
function openIncidents(vendorCount: number): IMetric {
  return new MathExpression({
    expression: `share * ${vendorCount}`,
    usingMetrics: { share: monitorMetric(METRIC.openIncidents, { statistic: Stats.AVERAGE }) },
    label: 'open incidents',
  });
}

function graph(title: string, metrics: IMetric[]): GraphWidget {
  return new GraphWidget({ title, left: metrics, width: THIRD });
}

function logGraph(title: string, logGroupNames: string[], queryLines: string[]): IWidget {
  return new LogQueryWidget({
    title,
    logGroupNames,
    queryLines,
    view: LogQueryVisualizationType.LINE,
    width: HALF,
  });
}

function logTable(title: string, logGroupNames: string[], queryLines: string[], width: number): IWidget {
  return new LogQueryWidget({
    title,
    logGroupNames,
    queryLines,
    view: LogQueryVisualizationType.TABLE,
    width,
  });
}
