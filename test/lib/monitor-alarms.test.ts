import { describe, expect, it } from 'vitest';
import { logicalIdOf, scheduleGroupNameOf, synthesizeOnce } from './synthesized.ts';

const synth = synthesizeOnce();

const alarms = () =>
  Object.values(synth.template.findResources('AWS::CloudWatch::Alarm')).map(
    (resource) => resource.Properties,
  );
const alarmNamed = (suffix: string) => {
  const found = alarms().filter((alarm) => alarm.AlarmName === `Vendorwatch-${suffix}`);
  expect(found).toHaveLength(1);
  return found[0];
};
const ref = (type: string, prefix: string) => ({ Ref: logicalIdOf(synth.template, type, prefix) });

describe('MonitorAlarms', () => {
  it.each(['miro', 'ideogram', 'billing'])(
    'pages when Scheduler has not invoked the probe for %s in three schedule periods',
    (vendor) => {
      expect(alarmNamed(`${vendor}-schedule-stopped`)).toMatchObject({
        Namespace: 'AWS/Scheduler',
        MetricName: 'InvocationAttemptCount',
        // The vendor's own group: Scheduler's free metrics are per group, so this one is the vendor's.
        Dimensions: [{ Name: 'ScheduleGroup', Value: scheduleGroupNameOf(synth.template, vendor) }],
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 3,
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
        TreatMissingData: 'breaching',
      });
    },
  );

  it('adds no custom metric per vendor: no alarm watches a metric with a vendor dimension', () => {
    for (const alarm of alarms()) {
      expect(alarm.Namespace).toMatch(/^AWS\//);
      expect(JSON.stringify(alarm.Dimensions)).not.toContain('"vendor"');
    }
  });

  it.each([
    ['probe-errors', 'Errors', 'ProbeFunction'],
    ['probe-throttles', 'Throttles', 'ProbeFunction'],
    ['state-errors', 'Errors', 'StateFunction'],
    ['state-throttles', 'Throttles', 'StateFunction'],
  ])('pages on %s', (name, metric, fn) => {
    expect(alarmNamed(name)).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: metric,
      Dimensions: [{ Name: 'FunctionName', Value: ref('AWS::Lambda::Function', fn) }],
      Statistic: 'Sum',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      TreatMissingData: 'notBreaching',
    });
  });

  it.each([
    ['probe-invocations-dead-letters', 'ProbeDeadLetterQueue'],
    ['state-invocations-dead-letters', 'StateDeadLetterQueue'],
    ['schedule-deliveries-dead-letters', 'SchedulesDeadLetterQueue'],
  ])('pages on %s', (name, queue) => {
    expect(alarmNamed(name)).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalIdOf(synth.template, 'AWS::SQS::Queue', queue), 'QueueName'] },
        },
      ],
      Statistic: 'Maximum',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
    });
  });

  it('sends every alarm and its recovery to the pager topic, and nowhere else', () => {
    const pager = [ref('AWS::SNS::Topic', 'NotificationsPager')];

    expect(alarms()).toHaveLength(10);
    for (const alarm of alarms()) {
      expect(alarm.AlarmActions).toEqual(pager);
      expect(alarm.OKActions).toEqual(pager);
    }
  });
});
