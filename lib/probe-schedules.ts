import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleGroup, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue.ts';

export interface ProbeSchedulesProps {
  /** One schedule per vendor id; each invokes the probe with `{"vendorId": id}`. */
  readonly vendorIds: readonly string[];
  /** Minutes between two probes of the same vendor. */
  readonly everyMinutes: number;
  /** The function that probes one vendor. */
  readonly probe: IFunction;
  /**
   * Times Scheduler retries an invocation Lambda refused (throttled, unavailable).
   * @default 2
   */
  readonly retryAttempts?: number;
}

/**
 * EventBridge Scheduler schedules, one per vendor, in their own group. Exact times (no flexible
 * window): the dead-man alarms count on a result every period. Invocations Lambda refuses are
 * retried for at most one period, then parked in a dead-letter queue.
 */
export class ProbeSchedules extends Construct {
  /** Where invocations Scheduler could not deliver end up. */
  readonly deadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: ProbeSchedulesProps) {
    super(scope, id);
    const group = new ScheduleGroup(this, 'Group');
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetterQueue');
    // One role for every schedule, assumable only by Scheduler on behalf of this group; the target
    // adds lambda:InvokeFunction on the probe and sqs:SendMessage on the dead-letter queue.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': Stack.of(this).account,
            'aws:SourceArn': group.scheduleGroupArn,
          },
        },
      }),
    });
    const unit = props.everyMinutes === 1 ? 'minute' : 'minutes';

    for (const vendorId of props.vendorIds) {
      new Schedule(this, `Probe-${vendorId}`, {
        scheduleGroup: group,
        description: `vendorwatch: probes ${vendorId} every ${props.everyMinutes} ${unit}`,
        schedule: ScheduleExpression.rate(Duration.minutes(props.everyMinutes)),
        target: new LambdaInvoke(props.probe, {
          input: ScheduleTargetInput.fromObject({ vendorId }),
          role,
          retryAttempts: props.retryAttempts ?? 2,
          // A probe delivered after the next one is due would only duplicate it.
          maxEventAge: Duration.minutes(props.everyMinutes),
          deadLetterQueue: this.deadLetterQueue,
        }),
      });
    }

    // grantInvoke also covers qualified ARNs (`<function>:<version or alias>`) of this one function.
    const probeLogicalId = Stack.of(this).getLogicalId(props.probe.node.defaultChild as CfnFunction);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${probeLogicalId}.Arn>:*]`,
      reason: 'Invoke on the probe function and its qualified ARNs only; no other function matches.',
    });
  }
}
