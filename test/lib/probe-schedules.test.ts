import { describe, expect, it } from 'vitest';
import {
  CUSTOM_CONFIG,
  logicalIdOf,
  scheduleGroupNameOf,
  statementsOf,
  synthesizeOnce,
} from './synthesized.ts';

const synth = synthesizeOnce({ configFile: CUSTOM_CONFIG });
/** The custom config's vendors, in order. */
const VENDORS = ['miro', 'miro-eu', 'ideogram', 'acme', 'billing'];

/** The logical id of the schedule group the vendor's schedule is in. */
function groupIdOf(vendorId: string): string {
  const groups = synth.template.findResources('AWS::Scheduler::ScheduleGroup', {
    Properties: { Name: scheduleGroupNameOf(synth.template, vendorId) },
  });
  expect(Object.keys(groups), vendorId).toHaveLength(1);
  return Object.keys(groups)[0]!;
}
const arnOf = (type: string, prefix: string) => ({
  'Fn::GetAtt': [logicalIdOf(synth.template, type, prefix), 'Arn'],
});

describe('ProbeSchedules', () => {
  it('schedules each vendor at the configured rate, exactly on time, with its vendor id as input', () => {
    const schedules = Object.values(synth.template.findResources('AWS::Scheduler::Schedule')).map(
      (resource) => resource.Properties,
    );

    expect(schedules.map((schedule) => JSON.parse(schedule.Target.Input))).toEqual(
      VENDORS.map((vendorId) => ({ vendorId })),
    );
    for (const schedule of schedules) {
      expect(schedule).toMatchObject({
        ScheduleExpression: 'rate(5 minutes)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: {
          Arn: arnOf('AWS::Lambda::Function', 'ProbeFunction'),
          RoleArn: arnOf('AWS::IAM::Role', 'SchedulesRole'),
        },
      });
    }
  });

  it('puts each vendor’s schedule in a group of its own, deleted with the stack, for per-vendor Scheduler metrics', () => {
    const groups = synth.template.findResources('AWS::Scheduler::ScheduleGroup');

    expect(Object.keys(groups)).toHaveLength(VENDORS.length);
    expect(new Set(VENDORS.map(groupIdOf)).size).toBe(VENDORS.length);
    for (const vendorId of VENDORS) expect(groups[groupIdOf(vendorId)]!.DeletionPolicy).toBe('Delete');
  });

  it('retries a refused invocation for at most one period, then parks it in its own dead-letter queue', () => {
    for (const { Properties } of Object.values(synth.template.findResources('AWS::Scheduler::Schedule'))) {
      expect(Properties.Target.RetryPolicy).toEqual({
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 300,
      });
      expect(Properties.Target.DeadLetterConfig).toEqual({
        Arn: arnOf('AWS::SQS::Queue', 'SchedulesDeadLetterQueue'),
      });
    }
  });

  it('uses a role only Scheduler can assume for these groups, allowed to invoke the probe and nothing else', () => {
    const role =
      synth.template.findResources('AWS::IAM::Role')[
        logicalIdOf(synth.template, 'AWS::IAM::Role', 'SchedulesRole')
      ]!;

    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: {
          StringEquals: {
            'aws:SourceAccount': { Ref: 'AWS::AccountId' },
            'aws:SourceArn': VENDORS.map((vendorId) => ({ 'Fn::GetAtt': [groupIdOf(vendorId), 'Arn'] })),
          },
        },
      },
    ]);
    const probe = arnOf('AWS::Lambda::Function', 'ProbeFunction');
    expect(statementsOf(synth.template, 'SchedulesRole')).toEqual([
      {
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: [probe, { 'Fn::Join': ['', [probe, ':*']] }],
      },
      {
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: arnOf('AWS::SQS::Queue', 'SchedulesDeadLetterQueue'),
      },
    ]);
  });
});
