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
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { vendorMetric } from './vendor-metrics.ts';

export interface MonitorAlarmsProps {
  /** Vendors whose probe results must keep arriving. */
  readonly vendorIds: readonly string[];
  /** Minutes between two probes of the same vendor. */
  readonly everyMinutes: number;
  /**
   * Schedule periods without a stored result before the dead-man switch fires.
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
 * Pages when the monitor itself stops: a vendor without probe results (dead-man switch), a
 * function failing or throttled, a dead-letter queue holding a message. A monitor that fails
 * quietly looks exactly like vendors that are all healthy.
 */
export class MonitorAlarms extends Construct {
  private readonly pagerAction: SnsAction;
  private readonly created: Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitorAlarmsProps) {
    super(scope, id);
    this.pagerAction = new SnsAction(props.pager);
    const period = props.period ?? Duration.minutes(5);
    const missedProbes = props.missedProbes ?? 3;

    for (const vendorId of props.vendorIds) {
      const probesCompleted = vendorMetric('ProbeCompleted', vendorId, {
        statistic: Stats.SUM,
        period: Duration.minutes(props.everyMinutes),
      });
      this.page(`${vendorId}-no-probe-results`, probesCompleted, {
        alarmDescription: `No probe result stored for ${vendorId} in ${missedProbes} schedule periods: the monitor is blind to it.`,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        threshold: 1,
        evaluationPeriods: missedProbes,
        // Nothing emitted is exactly what a dead-man switch watches for.
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
