import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  type IScheduleGroup,
  Schedule,
  ScheduleExpression,
  ScheduleGroup,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
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
 * EventBridge Scheduler schedules, one per vendor, each in its own schedule group: Scheduler
 * publishes its free AWS/Scheduler metrics per group, which gives every vendor a dead-man signal
 * without a custom metric. Exact times (no flexible window): the alarms count on an invocation every
 * period. Invocations Lambda refuses are retried for at most one period, then parked in a dead-letter
 * queue.
 */
export class ProbeSchedules extends Construct {
  /** Where invocations Scheduler could not deliver end up. */
  readonly deadLetterQueue: DeadLetterQueue;
  /** Each vendor's schedule group, by vendor id: its metrics are that vendor's probe invocations. */
  readonly groupsByVendor: Readonly<Record<string, IScheduleGroup>>;

  constructor(scope: Construct, id: string, props: ProbeSchedulesProps) {
    super(scope, id);
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetterQueue');
    this.groupsByVendor = Object.fromEntries(
      props.vendorIds.map((vendorId) => [
        vendorId,
        // Destroyed with the stack or when its vendor leaves the config: it holds only that schedule.
        new ScheduleGroup(this, `Group-${vendorId}`, { removalPolicy: RemovalPolicy.DESTROY }),
      ]),
    );
    // One role for every schedule, assumable only by Scheduler on behalf of these groups; the target
    // adds lambda:InvokeFunction on the probe and sqs:SendMessage on the dead-letter queue.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': Stack.of(this).account,
            'aws:SourceArn': Object.values(this.groupsByVendor).map((group) => group.scheduleGroupArn),
          },
        },
      }),
    });
    const unit = props.everyMinutes === 1 ? 'minute' : 'minutes';

    for (const [vendorId, scheduleGroup] of Object.entries(this.groupsByVendor)) {
      new Schedule(this, `Probe-${vendorId}`, {
        scheduleGroup,
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
