import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { logicalIdOf, synthesizeOnce } from './synthesized.ts';

const synth = synthesizeOnce();
const logicalId = (type: string, prefix: string): string => logicalIdOf(synth.template, type, prefix);

describe('NotificationTopics', () => {
  it('creates the pager and status-page topics, encrypted with a rotating customer key', () => {
    const keyId = logicalId('AWS::KMS::Key', 'Notifications');
    for (const topic of ['NotificationsPager', 'NotificationsStatusPage']) {
      expect(
        synth.template.findResources('AWS::SNS::Topic')[logicalId('AWS::SNS::Topic', topic)],
      ).toMatchObject({
        Properties: { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] }, SignatureVersion: '2' },
      });
    }
    synth.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('lets CloudWatch alarms use the key, since they publish to the pager topic', () => {
    synth.template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          }),
        ]),
      },
    });
  });

  it('refuses publishing without TLS on both topics', () => {
    synth.template.resourcePropertiesCountIs(
      'AWS::SNS::TopicPolicy',
      {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sns:Publish',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      },
      2,
    );
  });

  it('subscribes the configured emails, filtering on severity and event when the subscriber asks to', () => {
    const pager = { Ref: logicalId('AWS::SNS::Topic', 'NotificationsPager') };
    const statusPage = { Ref: logicalId('AWS::SNS::Topic', 'NotificationsStatusPage') };
    const subscriptions = Object.values(synth.template.findResources('AWS::SNS::Subscription')).map(
      (resource) => resource.Properties,
    );

    expect(subscriptions).toEqual(
      expect.arrayContaining([
        { Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: pager },
        {
          Protocol: 'email',
          Endpoint: 'leads@example.com',
          TopicArn: pager,
          FilterPolicy: { severity: ['P1', 'P2'], event: ['opened', 'resolved'] },
        },
        { Protocol: 'email', Endpoint: 'support@example.com', TopicArn: statusPage },
      ]),
    );
    expect(subscriptions).toHaveLength(3);
  });
});
