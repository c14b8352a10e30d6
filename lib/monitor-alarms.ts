import { Duration, Stack } from 'aws-cdk-lib';
import {
  type Alarm,
  ComparisonOperator,
  type CreateAlarmOptions,
  type Metric,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface MonitorAlarmsProps {
  /** Each vendor's schedule group, by vendor id: Scheduler must keep invoking the probe for each. */
  readonly scheduleGroups: Readonly<Record<string, IScheduleGroup>>;
  /** Minutes between two probes of the same vendor. */
  readonly everyMinutes: number;
  /**
   * Schedule periods without an invocation before a vendor's dead-man switch fires.
   * @default 3
   */
  readonly missedProbes?: number;
  /** The monitor's functions, keyed by the short name alarm names use. */
  readonly functions: Readonly<Record<string, IFunction>>;
  /** The dead-letter queues, keyed by the short name alarm names use. */
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  /** Receives every alarm and its recovery. */
  readonly pager: ITopic;
  /**
   * Period over which function errors, throttles and queue depth are judged.
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;
}

/**
 * Pages when the monitor itself stops, since a monitor that fails quietly looks exactly like vendors
 * that are all healthy. A vendor stops getting results in one of two ways, and both page:
 * - its schedule stops invoking the probe (disabled, deleted, Scheduler trouble): the vendor's
 *   dead-man switch, on the free AWS/Scheduler invocation count of the vendor's own schedule group;
 * - an invocation does not end in a stored result: Scheduler gives up delivering it (its dead-letter
 *   queue), Lambda throttles or drops it (throttles, the probe's dead-letter queue) or the probe
 *   fails (errors). Those alarms are per function, not per vendor: the dashboard's function failures
 *   table shows which vendor failed when the error names it.
 * The state function has the same errors, throttles and dead-letter alarms.
 */
export class MonitorAlarms extends Construct {
  private readonly pagerAction: SnsAction;
  private readonly created: Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitorAlarmsProps) {
    super(scope, id);
    this.pagerAction = new SnsAction(props.pager);
    const period = props.period ?? Duration.minutes(5);
    const missedProbes = props.missedProbes ?? 3;

    for (const [vendorId, group] of Object.entries(props.scheduleGroups)) {
      const invocations = group.metricAttempts({
        statistic: Stats.SUM,
        period: Duration.minutes(props.everyMinutes),
      });
      this.page(`${vendorId}-schedule-stopped`, invocations, {
        alarmDescription: `Scheduler has not invoked the probe for ${vendorId} in ${missedProbes} schedule periods: the monitor is blind to it. Check that its schedule exists and is enabled.`,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        threshold: 1,
        evaluationPeriods: missedProbes,
        // Nothing published is exactly what a dead-man switch watches for.
        treatMissingData: TreatMissingData.BREACHING,
      });
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      this.pageOnAny(`${name}-errors`, `The ${name} function failed.`, fn.metricErrors({ period }));
      this.pageOnAny(
        `${name}-throttles`,
        `The ${name} function was throttled.`,
        fn.metricThrottles({ period }),
      );
    }
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      this.pageOnAny(
        `${name}-dead-letters`,
        `The ${name} dead-letter queue holds failed invocations: read them, fix the cause, redrive.`,
        queue.metricApproximateNumberOfMessagesVisible({ period, statistic: Stats.MAXIMUM }),
      );
    }
  }

  /** Every alarm, for the dashboard. */
  get alarms(): readonly Alarm[] {
    return this.created;
  }

  /** Pages on a count that should stay at zero. */
  private pageOnAny(name: string, description: string, metric: Metric): void {
    this.page(name, metric, {
      alarmDescription: description,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      threshold: 0,
      evaluationPeriods: 1,
      // Idle functions and queues publish nothing; that is healthy.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /** The one way an alarm is made here: named after the stack, notifying the pager when it fires and when it clears. */
  private page(name: string, metric: Metric, options: Omit<CreateAlarmOptions, 'alarmName'>): void {
    const alarm = metric.createAlarm(this, name, {
      ...options,
      alarmName: `${Stack.of(this).stackName}-${name}`,
    });
    alarm.addAlarmAction(this.pagerAction);
    alarm.addOkAction(this.pagerAction);
    this.created.push(alarm);
  }
}
