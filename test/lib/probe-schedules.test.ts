import { describe, expect, it } from 'vitest';
import { CUSTOM_CONFIG, logicalIdOf, statementsOf, synthesizeOnce } from './synthesized.ts';

const synth = synthesizeOnce({ configFile: CUSTOM_CONFIG });
const arnOf = (type: string, prefix: string) => ({
  'Fn::GetAtt': [logicalIdOf(synth.template, type, prefix), 'Arn'],
});

describe('ProbeSchedules', () => {
  it('schedules each vendor at the configured rate, exactly on time, with its vendor id as input', () => {
    const group = synth.template.findResources('AWS::Scheduler::ScheduleGroup')[
      logicalIdOf(synth.template, 'AWS::Scheduler::ScheduleGroup', 'SchedulesGroup')
    ]!;
    const schedules = Object.values(synth.template.findResources('AWS::Scheduler::Schedule')).map(
      (resource) => resource.Properties,
    );

    expect(schedules.map((schedule) => JSON.parse(schedule.Target.Input))).toEqual([
      { vendorId: 'miro' },
      { vendorId: 'miro-eu' },
      { vendorId: 'ideogram' },
      { vendorId: 'acme' },
      { vendorId: 'billing' },
    ]);
    for (const schedule of schedules) {
      expect(schedule).toMatchObject({
        ScheduleExpression: 'rate(5 minutes)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        GroupName: group.Properties.Name,
        Target: {
          Arn: arnOf('AWS::Lambda::Function', 'ProbeFunction'),
          RoleArn: arnOf('AWS::IAM::Role', 'SchedulesRole'),
        },
      });
    }
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

  it('uses a role only Scheduler can assume for this group, allowed to invoke the probe and nothing else', () => {
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
            'aws:SourceArn': arnOf('AWS::Scheduler::ScheduleGroup', 'SchedulesGroup'),
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
