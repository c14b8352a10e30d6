import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { logicalIdOf, synthesizeOnce } from './synthesized.ts';

const synth = synthesizeOnce({ bundle: true });

const functionNamed = (name: 'Probe' | 'State') => {
  const id = logicalIdOf(synth.template, 'AWS::Lambda::Function', `${name}Function`);
  return synth.template.findResources('AWS::Lambda::Function')[id]!.Properties;
};

/** The bundled handler the function's code asset holds. */
const bundleOf = (name: 'Probe' | 'State'): string => {
  const zip: string = functionNamed(name).Code.S3Key;
  return readFileSync(join(synth.outdir, `asset.${zip.replace(/\.zip$/, '')}`, 'index.mjs'), 'utf8');
};

describe.each(['Probe', 'State'] as const)('MonitorFunction (%s)', (name) => {
  it('runs Node.js 22 or newer on ARM64 with 256 MB', () => {
    const props = functionNamed(name);

    expect(Number(/^nodejs(\d+)\.x$/.exec(props.Runtime)?.[1])).toBeGreaterThanOrEqual(22);
    expect(props.Architectures).toEqual(['arm64']);
    expect(props.MemorySize).toBe(256);
    expect(props.Handler).toBe('index.handler');
  });

  it('logs to its own log group, kept 30 days', () => {
    const logGroup = functionNamed(name).LoggingConfig.LogGroup.Ref;

    expect(synth.template.findResources('AWS::Logs::LogGroup')[logGroup]).toMatchObject({
      Properties: { RetentionInDays: 30 },
      DeletionPolicy: 'Delete',
    });
  });

  it('sends failed asynchronous invocations to an encrypted, TLS-only dead-letter queue', () => {
    const [queue] = functionNamed(name).DeadLetterConfig.TargetArn['Fn::GetAtt'];

    expect(synth.template.findResources('AWS::SQS::Queue')[queue]?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1_209_600,
    });
    synth.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queue }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('has its own role without AWS managed policies, writing only its own logs', () => {
    const roleId = functionNamed(name).Role['Fn::GetAtt'][0];
    const role = synth.template.findResources('AWS::IAM::Role')[roleId]!;

    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
    ]);
  });

  it('ships an ESM bundle with the SDK clients inside and a require() for CommonJS dependencies', () => {
    const bundle = bundleOf(name);

    expect(bundle.startsWith("import { createRequire } from 'node:module';")).toBe(true);
    expect(/\bfrom\s*["']@aws-sdk\//.test(bundle), 'imports @aws-sdk from the runtime').toBe(false);
  });

  it('cold-starts: the bundle initialises in node with only the stack-provided variables, config inlined', () => {
    const bundle = join(
      synth.outdir,
      `asset.${functionNamed(name).Code.S3Key.replace(/\.zip$/, '')}`,
      'index.mjs',
    );
    const variables = functionNamed(name).Environment?.Variables ?? {};
    const resolved = Object.fromEntries(
      Object.keys(variables).map((key) => [key, `${key.toLowerCase()}-value`]),
    );

    const run = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `await import(${JSON.stringify(bundle)});`],
      {
        // The SDK warns that Node 20 (this machine) is near its end of support; Lambda runs 22+.
        env: {
          PATH: process.env.PATH,
          AWS_REGION: 'us-east-1',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          ...resolved,
        },
        encoding: 'utf8',
      },
    );

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(bundleOf(name)).not.toContain('zod');
  });

  it('inlines the config document, so the handler reads process.env.VENDORWATCH_CONFIG without a Lambda variable', () => {
    expect(functionNamed(name).Environment.Variables.VENDORWATCH_CONFIG).toBeUndefined();
    expect(bundleOf(name).includes('https://app.example.com/health'), 'config document in the bundle').toBe(
      true,
    );
  });
});

describe('MonitorFunction timeouts and retries', () => {
  it('gives a probe cycle 82 s (a confirmed failing cycle takes up to 52 s) and the state function 30 s', () => {
    expect(functionNamed('Probe').Timeout).toBe(82);
    expect(functionNamed('State').Timeout).toBe(30);
  });

  it('retries the state function twice and never the probe, whose retry is the next schedule', () => {
    const invokeConfigOf = (name: 'Probe' | 'State') => ({
      FunctionName: { Ref: logicalIdOf(synth.template, 'AWS::Lambda::Function', `${name}Function`) },
    });
    synth.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      ...invokeConfigOf('State'),
      MaximumRetryAttempts: 2,
    });
    synth.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      ...invokeConfigOf('Probe'),
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 60,
    });
  });
});
