import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it, vi } from 'vitest';
import { logicalIdOf, synthesizeOnce } from './synthesized.ts';

/** A credential as it would sit in an operator's shell for local runs; deploying must never read it. */
const PLANTED_SECRET = 'planted-4f1c9e-do-not-ship';

const synth = synthesizeOnce({
  bundle: true,
  prepare: () => {
    vi.stubEnv('MIRO_ACCESS_TOKEN', PLANTED_SECRET);
    vi.stubEnv('IDEOGRAM_API_KEY', PLANTED_SECRET);
  },
});

/** Asset hashes change with any dependency bump; the snapshot is about the template. */
const withoutAssetHashes = (template: unknown): unknown =>
  JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}/g, '[ASSET_HASH]'));

describe('VendorwatchStack', () => {
  it('matches the snapshot', () => {
    expect(withoutAssetHashes(synth.template.toJSON())).toMatchSnapshot();
  });

  it('passes cdk-nag AwsSolutions with nothing left unacknowledged', () => {
    expect(new AwsSolutionsChecks().validateScope(synth.stack).violations).toEqual([]);
    const report = JSON.parse(readFileSync(join(synth.outdir, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.flatMap((plugin: { violations: unknown[] }) => plugin.violations)).toEqual(
      [],
    );
  });

  it('acknowledges only these findings, each with its reason', () => {
    const acknowledged = synth.stack.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
        .map(([id, reason]) => ({ at: construct.node.path, id: id.replace(/^\w+::/, ''), reason })),
    );

    for (const { reason } of acknowledged) expect(reason.length).toBeGreaterThan(30);
    const bucket = logicalIdOf(synth.template, 'AWS::S3::Bucket', 'EvidenceBucket');
    const probe = logicalIdOf(synth.template, 'AWS::Lambda::Function', 'ProbeFunction');
    expect(acknowledged.map(({ at, id }) => `${at} ${id}`).sort()).toEqual(
      [
        'Vendorwatch/BucketNotificationsHandler050a0587b7544547bf325f094a3db834 AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'Vendorwatch/Evidence/AccessLogs AwsSolutions-S1',
        `Vendorwatch/Probe/Role AwsSolutions-IAM5[Resource::<${bucket}.Arn>/results/*]`,
        'Vendorwatch/Probe/DeadLetterQueue AwsSolutions-SQS3',
        `Vendorwatch/Schedules/Role AwsSolutions-IAM5[Resource::<${probe}.Arn>:*]`,
        'Vendorwatch/Schedules/DeadLetterQueue AwsSolutions-SQS3',
        `Vendorwatch/State/Role AwsSolutions-IAM5[Resource::<${bucket}.Arn>/results/*]`,
        `Vendorwatch/State/Role AwsSolutions-IAM5[Resource::<${bucket}.Arn>/state/*]`,
        `Vendorwatch/State/Role AwsSolutions-IAM5[Resource::<${bucket}.Arn>/incidents/*]`,
        `Vendorwatch/State/Role AwsSolutions-IAM5[Resource::<${bucket}.Arn>/postmortems/*]`,
        'Vendorwatch/State/DeadLetterQueue AwsSolutions-SQS3',
      ].sort(),
    );
  });

  it('grants no wildcard action in any IAM policy', () => {
    const identityPolicies = [
      ...Object.values(synth.template.findResources('AWS::IAM::Policy')).map(
        (policy) => policy.Properties.PolicyDocument,
      ),
      ...Object.values(synth.template.findResources('AWS::IAM::Role')).flatMap((role) =>
        (role.Properties.Policies ?? []).map((policy: { PolicyDocument: unknown }) => policy.PolicyDocument),
      ),
    ];
    const actions = identityPolicies.flatMap((document) =>
      document.Statement.flatMap((statement: { Action: string | string[] }) => [statement.Action].flat()),
    );

    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((action: string) => action.includes('*'))).toEqual([]);
  });

  it('holds secret references, never a secret value', () => {
    const template = JSON.stringify(synth.template.toJSON());
    const bundles = readdirSync(synth.outdir)
      .filter((entry) => entry.startsWith('asset.'))
      .flatMap((asset) =>
        readdirSync(join(synth.outdir, asset)).map((file) =>
          readFileSync(join(synth.outdir, asset, file), 'utf8'),
        ),
      );

    expect(template).toContain(':secret:vendorwatch/miro-??????');
    expect(template.includes(PLANTED_SECRET)).toBe(false);
    expect(bundles.length).toBeGreaterThan(0);
    expect(bundles.some((bundle) => bundle.includes(PLANTED_SECRET))).toBe(false);
  });

  it('outputs the bucket, both topics, the dashboard, the Athena workgroup and table, and how to subscribe', () => {
    const outputs = synth.template.toJSON().Outputs;

    expect(Object.keys(outputs).sort()).toEqual(
      [
        'AthenaWorkGroup',
        'DashboardUrl',
        'EvidenceBucketName',
        'PagerTopicArn',
        'ResultsTable',
        'StatusPageTopicArn',
        'SubscribeHint',
      ].sort(),
    );
    expect(outputs.PagerTopicArn.Value).toEqual({
      Ref: logicalIdOf(synth.template, 'AWS::SNS::Topic', 'NotificationsPager'),
    });
    expect(JSON.stringify(outputs.SubscribeHint.Value)).toContain('aws sns subscribe --topic-arn ');
  });
});
