import { describe, expect, it } from 'vitest';
import {
  CUSTOM_CONFIG,
  logicalIdOf,
  objectArn,
  type PolicyStatementJson,
  statementsOf,
  synthesizeOnce,
} from './synthesized.ts';

const synth = synthesizeOnce({ configFile: CUSTOM_CONFIG });

const probeFunction = () =>
  synth.template.findResources('AWS::Lambda::Function')[
    logicalIdOf(synth.template, 'AWS::Lambda::Function', 'ProbeFunction')
  ]!;

const isHousekeeping = (statement: PolicyStatementJson): boolean =>
  [statement.Action].flat().some((action) => /^(logs|sqs):/.test(action));

const sameAccountSecret = (name: string) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':secretsmanager:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      `:secret:${name}`,
    ],
  ],
});

describe('ProbeFunction', () => {
  it('may only write results and read the secrets the config references', () => {
    const grants = statementsOf(synth.template, 'ProbeRole').filter(
      (statement) => !isHousekeeping(statement),
    );

    expect(grants).toEqual([
      { Effect: 'Allow', Action: 's3:PutObject', Resource: objectArn(synth.template, 'results/*') },
      {
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: expect.any(Array),
      },
    ]);
  });

  it('grants each referenced secret once, also one that several vendors share with a field each: names and partial ARNs by their suffix pattern, complete ARNs exactly', () => {
    const secrets = statementsOf(synth.template, 'ProbeRole').find(
      (statement) => statement.Action === 'secretsmanager:GetSecretValue',
    );

    expect(secrets?.Resource).toHaveLength(3);
    expect(secrets?.Resource).toEqual(
      expect.arrayContaining([
        'arn:aws:secretsmanager:eu-west-1:123456789012:secret:vendorwatch/miro-AbC123',
        'arn:aws:secretsmanager:eu-west-1:123456789012:secret:vendorwatch/ideogram-??????',
        sameAccountSecret('vendorwatch/acme-??????'),
      ]),
    );
  });

  it('writes its logs and its dead letters, and nothing more', () => {
    const housekeeping = statementsOf(synth.template, 'ProbeRole').filter(isHousekeeping);

    expect(housekeeping).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [logicalIdOf(synth.template, 'AWS::Logs::LogGroup', 'ProbeLogs'), 'Arn'] },
      },
      {
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: {
          'Fn::GetAtt': [logicalIdOf(synth.template, 'AWS::SQS::Queue', 'ProbeDeadLetterQueue'), 'Arn'],
        },
      },
    ]);
  });

  it('outlasts the slowest vendor cycle: acme’s 3 × 40 s checks + 2 s retry + 20 s confirmation, plus 30 s for the rest', () => {
    expect(probeFunction().Properties.Timeout).toBe(172);
  });

  it('knows the bucket it writes to', () => {
    expect(probeFunction().Properties.Environment.Variables).toEqual({
      RESULTS_BUCKET: { Ref: logicalIdOf(synth.template, 'AWS::S3::Bucket', 'EvidenceBucket') },
      NODE_OPTIONS: '--enable-source-maps',
    });
  });
});
