import { describe, expect, it } from 'vitest';
import { logicalIdOf, objectArn, statementsOf, synthesizeOnce } from './synthesized.ts';

const synth = synthesizeOnce();
const ref = (type: string, prefix: string) => ({ Ref: logicalIdOf(synth.template, type, prefix) });
const arnOf = (type: string, prefix: string) => ({
  'Fn::GetAtt': [logicalIdOf(synth.template, type, prefix), 'Arn'],
});

describe('StateFunction', () => {
  it('reads results, state and incidents; writes state, incidents and postmortems; publishes to both topics', () => {
    const objects = (...paths: string[]) => paths.map((path) => objectArn(synth.template, path));

    expect(statementsOf(synth.template, 'StateRole')).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: arnOf('AWS::Logs::LogGroup', 'StateLogs'),
      },
      {
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: arnOf('AWS::SQS::Queue', 'StateDeadLetterQueue'),
      },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: objects('incidents/*', 'results/*', 'state/*') },
      {
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: objects('incidents/*', 'postmortems/*', 'state/*'),
      },
      // Unconditioned: without it a GetObject on a key not written yet answers 403 instead of 404.
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: arnOf('AWS::S3::Bucket', 'EvidenceBucket') },
      {
        Effect: 'Allow',
        Action: 'sns:Publish',
        Resource: [
          ref('AWS::SNS::Topic', 'NotificationsPager'),
          ref('AWS::SNS::Topic', 'NotificationsStatusPage'),
        ],
      },
      {
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: arnOf('AWS::KMS::Key', 'NotificationsKey'),
      },
    ]);
  });

  it('knows the bucket and both topics', () => {
    const state =
      synth.template.findResources('AWS::Lambda::Function')[
        logicalIdOf(synth.template, 'AWS::Lambda::Function', 'StateFunction')
      ]!;

    expect(state.Properties.Environment.Variables).toEqual({
      RESULTS_BUCKET: ref('AWS::S3::Bucket', 'EvidenceBucket'),
      PAGER_TOPIC_ARN: ref('AWS::SNS::Topic', 'NotificationsPager'),
      STATUS_PAGE_TOPIC_ARN: ref('AWS::SNS::Topic', 'NotificationsStatusPage'),
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('runs for every result stored: ObjectCreated under results/ with a .json suffix', () => {
    synth.template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: ref('AWS::S3::Bucket', 'EvidenceBucket'),
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: {
              Key: {
                FilterRules: [
                  { Name: 'suffix', Value: '.json' },
                  { Name: 'prefix', Value: 'results/' },
                ],
              },
            },
            LambdaFunctionArn: arnOf('AWS::Lambda::Function', 'StateFunction'),
          },
        ],
      },
    });
    synth.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: arnOf('AWS::Lambda::Function', 'StateFunction'),
      Principal: 's3.amazonaws.com',
      SourceArn: arnOf('AWS::S3::Bucket', 'EvidenceBucket'),
    });
  });
});
