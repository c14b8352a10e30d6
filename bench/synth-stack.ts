/**
 * Child-process entry (see stack-facts.ts): synthesizes the real stack with the example config's
 * first vendor (bundling the functions) and first two vendors (no bundling, for resource counts),
 * then writes what the bench needs into `<outdir>/bench-facts.json`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { loadDeployConfig } from '../lib/deploy-config.ts';
import { MonitorFunction } from '../lib/monitor-function.ts';
import { buildApp } from '../lib/vendorwatch-app.ts';
import { FACTS_FILE, type FunctionFacts, type FunctionRole, type StackFacts } from './stack-facts.ts';

const fromRoot = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));
/** The feature flags `cdk synth` applies, so this is the template the CLI would produce. */
const CDK_CONTEXT = JSON.parse(readFileSync(fromRoot('cdk.json'), 'utf8')).context as Record<string, unknown>;
const EXAMPLE = JSON.parse(readFileSync(fromRoot('examples/aws.config.json'), 'utf8')) as {
  vendors: unknown[];
};
/** The construct ids the stack gives its functions (lib/vendorwatch-stack.ts). */
const FUNCTION_IDS: Record<FunctionRole, string> = { probe: 'Probe', state: 'State' };

type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

function synthesize(
  vendorCount: number,
  outdir: string,
  bundle: boolean,
): { stack: Stack; template: Template } {
  mkdirSync(outdir, { recursive: true });
  const configFile = join(outdir, `config-${vendorCount}.json`);
  writeFileSync(configFile, JSON.stringify({ ...EXAMPLE, vendors: EXAMPLE.vendors.slice(0, vendorCount) }));
  const app = new App({
    // Skipping bundling changes asset hashes only, not the resources.
    context: { ...CDK_CONTEXT, ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
    outdir,
    builtinCloudFormationValidation: false,
  });
  const stack = buildApp(app, loadDeployConfig(configFile));
  const template = app.synth().getStackByName(stack.stackName).template as Template;
  return { stack, template };
}

const countByType = (template: Template): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const { Type } of Object.values(template.Resources)) counts[Type] = (counts[Type] ?? 0) + 1;
  return counts;
};

function functionFacts(stack: Stack, template: Template, outdir: string, role: FunctionRole): FunctionFacts {
  const construct = stack.node.findChild(FUNCTION_IDS[role]);
  if (!(construct instanceof MonitorFunction))
    throw new Error(`${FUNCTION_IDS[role]} is not a MonitorFunction`);
  const logicalId = stack.getLogicalId(construct.lambdaFunction.node.defaultChild as CfnFunction);
  const properties = template.Resources[logicalId]?.Properties ?? {};
  const code = properties.Code as { S3Key: string };
  const environment = (properties.Environment as { Variables?: Record<string, unknown> } | undefined)
    ?.Variables;
  return {
    role,
    bundleFile: join(outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`, 'index.mjs'),
    memoryMb: Number(properties.MemorySize),
    timeoutS: Number(properties.Timeout),
    runtime: String(properties.Runtime),
    architecture: String((properties.Architectures as string[] | undefined)?.[0] ?? 'x86_64'),
    environment: Object.fromEntries(
      Object.entries(environment ?? {}).map(([name, value]) => [
        name,
        typeof value === 'string' ? value : JSON.stringify(value),
      ]),
    ),
  };
}

interface BucketRule {
  Prefix?: string;
  ExpirationInDays?: number;
}

/** Expiry days of the evidence bucket's results rule and of the access-log bucket (lib/evidence-bucket.ts). */
function retentionDays(template: Template): { results: number; accessLogs: number } {
  const buckets = Object.values(template.Resources).filter(({ Type }) => Type === 'AWS::S3::Bucket');
  const rulesOf = (properties: Record<string, unknown> | undefined): BucketRule[] =>
    (properties?.LifecycleConfiguration as { Rules?: BucketRule[] } | undefined)?.Rules ?? [];
  const evidence = buckets.find(({ Properties }) => Properties?.VersioningConfiguration !== undefined);
  const accessLogs = buckets.find((bucket) => bucket !== evidence);
  const results = rulesOf(evidence?.Properties).find((rule) => rule.Prefix === 'results/')?.ExpirationInDays;
  const logs = rulesOf(accessLogs?.Properties).find((rule) => rule.ExpirationInDays)?.ExpirationInDays;
  if (results === undefined || logs === undefined)
    throw new Error('no lifecycle expiry found on the buckets');
  return { results, accessLogs: logs };
}

function logRetentionDays(template: Template, stack: Stack, role: FunctionRole): number {
  const construct = stack.node.findChild(FUNCTION_IDS[role]) as MonitorFunction;
  const logicalId = stack.getLogicalId(construct.lambdaFunction.node.defaultChild as CfnFunction);
  const logging = template.Resources[logicalId]?.Properties?.LoggingConfig as
    | { LogGroup?: { Ref?: string } }
    | undefined;
  const group = template.Resources[logging?.LogGroup?.Ref ?? '']?.Properties?.RetentionInDays;
  if (typeof group !== 'number') throw new Error(`the ${role} function has no log group with a retention`);
  return group;
}

/** The dashboard's Logs Insights widgets and the range it opens with (lib/monitor-dashboard.ts). */
function dashboardFacts(template: Template): StackFacts['dashboard'] {
  const [dashboard] = Object.values(template.Resources).filter(
    ({ Type }) => Type === 'AWS::CloudWatch::Dashboard',
  );
  const parts = (dashboard?.Properties?.DashboardBody as { 'Fn::Join'?: [string, unknown[]] })?.[
    'Fn::Join'
  ]?.[1];
  if (!parts) throw new Error('the stack has no dashboard with a joined body');
  // References sit inside JSON strings (log group names, ARNs, the region): a placeholder keeps it valid.
  const body = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'reference')).join('')) as {
    start: string;
    widgets: { type: string }[];
  };
  const range = /^-PT(\d+)H$/.exec(body.start);
  if (!range) throw new Error(`unexpected dashboard range ${body.start}`);
  return {
    logQueryWidgets: body.widgets.filter((widget) => widget.type === 'log').length,
    rangeHours: Number(range[1]),
  };
}

const outdir = process.argv[2];
if (!outdir) throw new Error('usage: synth-stack.ts <outdir>');
const one = synthesize(1, outdir, true);
const two = synthesize(2, join(outdir, 'two-vendors'), false);
const retention = retentionDays(one.template);
const facts: StackFacts = {
  functions: (['probe', 'state'] as const).map((role) =>
    functionFacts(one.stack, one.template, outdir, role),
  ),
  resources: { oneVendor: countByType(one.template), twoVendors: countByType(two.template) },
  logRetentionDays: logRetentionDays(one.template, one.stack, 'probe'),
  resultsRetentionDays: retention.results,
  accessLogRetentionDays: retention.accessLogs,
  dashboard: dashboardFacts(one.template),
  outdir,
};
writeFileSync(join(outdir, FACTS_FILE), JSON.stringify(facts, null, 2));
