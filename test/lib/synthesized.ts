import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll } from 'vitest';
import { loadDeployConfig } from '../../lib/deploy-config.ts';
import { buildApp } from '../../lib/vendorwatch-app.ts';

const fromRoot = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** The config `cdk synth` falls back to: three vendors, names as secret references, 1-minute cadence. */
export const EXAMPLE_CONFIG = fromRoot('examples/aws.config.json');
/**
 * Five vendors at a 5-minute cadence, secrets referenced by name, complete ARN and partial ARN; miro and
 * miro-eu share one secret, a field each.
 */
export const CUSTOM_CONFIG = fromRoot('test/lib/fixtures/custom.config.json');

/** The feature flags `cdk synth` applies, so the tests see the template the CLI produces. */
const CDK_CONTEXT = JSON.parse(readFileSync(fromRoot('cdk.json'), 'utf8')).context;

export interface Synthesized {
  readonly stack: Stack;
  readonly template: Template;
  /** The cloud assembly directory: bundles (`asset.<hash>/index.mjs`) and the validation report. */
  readonly outdir: string;
}

export interface SynthesisOptions {
  /**
   * The config file to deploy.
   * @default EXAMPLE_CONFIG
   */
  readonly configFile?: string;
  /**
   * Bundle the functions with esbuild. Only tests that read the bundles need it: skipping it (as
   * `cdk deploy --exclusively` does for other stacks) changes nothing in the template but asset hashes.
   * @default false
   */
  readonly bundle?: boolean;
  /** Runs before the app is built, e.g. to plant environment variables. */
  readonly prepare?: () => void;
}

/**
 * Builds the app the way `bin/app.ts` does, with cdk-nag, and synthesizes it once for the calling
 * test file; the returned object is filled in `beforeAll`. CloudFormation's built-in rule
 * validation (about 15 s a run) is left to the CLI synth test.
 */
export function synthesizeOnce(options: SynthesisOptions = {}): Synthesized {
  const synthesized = {} as { -readonly [K in keyof Synthesized]: Synthesized[K] };
  beforeAll(() => {
    options.prepare?.();
    synthesized.outdir = mkdtempSync(join(tmpdir(), 'vendorwatch-cdk-'));
    const app = new App({
      context: { ...CDK_CONTEXT, ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
      outdir: synthesized.outdir,
      builtinCloudFormationValidation: false,
    });
    synthesized.stack = buildApp(app, loadDeployConfig(options.configFile ?? EXAMPLE_CONFIG));
    app.synth();
    synthesized.template = Template.fromStack(synthesized.stack);
  });
  afterAll(() => rmSync(synthesized.outdir, { recursive: true, force: true }));
  return synthesized;
}

/** The one resource of a type whose logical id starts with `prefix` (ids follow construct paths). */
export function logicalIdOf(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1)
    throw new Error(`expected one ${type} starting with ${prefix}, found ${ids.join(', ') || 'none'}`);
  return ids[0]!;
}

/** The name of the schedule group holding the schedule that probes `vendorId`. */
export function scheduleGroupNameOf(template: Template, vendorId: string): string {
  const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')).filter(
    ({ Properties }) => JSON.parse(Properties.Target.Input).vendorId === vendorId,
  );
  if (schedules.length !== 1)
    throw new Error(`expected one schedule for ${vendorId}, found ${schedules.length}`);
  return schedules[0]!.Properties.GroupName;
}

export interface PolicyStatementJson {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** Every statement of the inline policies attached to the role whose logical id starts with `rolePrefix`. */
export function statementsOf(template: Template, rolePrefix: string): PolicyStatementJson[] {
  const role = { Ref: logicalIdOf(template, 'AWS::IAM::Role', rolePrefix) };
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(JSON.stringify(role)))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

/** `arn:<bucket>/<path>` as CloudFormation renders it. */
export function objectArn(template: Template, path: string): unknown {
  const bucket = logicalIdOf(template, 'AWS::S3::Bucket', 'EvidenceBucket');
  return { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, `/${path}`]] };
}
