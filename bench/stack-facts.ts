import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What the real CDK stack deploys, read from a synthesized cloud assembly rather than restated: the
 * functions' bundles (built by the stack's own NodejsFunction/esbuild settings), memory, timeout and
 * runtime, and which resources grow with each vendor. Synthesis runs in a child process: it loads
 * aws-cdk-lib and esbuild prints its own progress, neither of which belongs in the bench's process.
 */

export type FunctionRole = 'probe' | 'state';

export interface FunctionFacts {
  role: FunctionRole;
  /** The bundle the stack deploys (`index.mjs` in its asset directory). */
  bundleFile: string;
  memoryMb: number;
  timeoutS: number;
  runtime: string;
  architecture: string;
  /** Environment variables the stack sets for the function. */
  environment: Record<string, string>;
}

export interface StackFacts {
  functions: FunctionFacts[];
  /** CloudFormation resource counts by type, for a one-vendor and a two-vendor config. */
  resources: { oneVendor: Record<string, number>; twoVendors: Record<string, number> };
  /** Days the functions' log groups keep logs. */
  logRetentionDays: number;
  /** Days results stay under `results/` before lifecycle expiry. */
  resultsRetentionDays: number;
  /** Days the S3 server access logs are kept. */
  accessLogRetentionDays: number;
  /** What opening the dashboard scans: its Logs Insights widgets (one-vendor stack) over its default range. */
  dashboard: { logQueryWidgets: number; rangeHours: number };
  /** The cloud assembly directory; the bundles live under it. */
  outdir: string;
}

export const FACTS_FILE = 'bench-facts.json';
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const SYNTH_ENTRY = fileURLToPath(new URL('./synth-stack.ts', import.meta.url));

/** Resources added by one more vendor (two-vendor count minus one-vendor count), by type. */
export function perVendorResources(facts: StackFacts): Record<string, number> {
  const { oneVendor, twoVendors } = facts.resources;
  return Object.fromEntries(
    Object.entries(twoVendors)
      .map(([type, count]): [string, number] => [type, count - (oneVendor[type] ?? 0)])
      .filter(([, added]) => added > 0),
  );
}

/** Resources that do not grow with vendors: the one-vendor stack minus its vendor's share. */
export function fixedResources(facts: StackFacts): Record<string, number> {
  const perVendor = perVendorResources(facts);
  return Object.fromEntries(
    Object.entries(facts.resources.oneVendor).map(([type, count]) => [type, count - (perVendor[type] ?? 0)]),
  );
}

export function functionFacts(facts: StackFacts, role: FunctionRole): FunctionFacts {
  const found = facts.functions.find((candidate) => candidate.role === role);
  if (!found) throw new Error(`the synthesized stack has no ${role} function`);
  return found;
}

export async function synthesizeStack(): Promise<StackFacts> {
  const outdir = mkdtempSync(join(tmpdir(), 'vendorwatch-bench-cdk-'));
  const child = spawn(process.execPath, ['--import', 'tsx', SYNTH_ENTRY, outdir], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) {
    const lines = output.trim().split('\n');
    const reason = lines.find((line) => /Error\b/.test(line))?.trim() ?? `exit ${code}`;
    throw new Error(`synthesizing the stack failed: ${reason}\n${lines.slice(-15).join('\n')}`);
  }
  return JSON.parse(readFileSync(join(outdir, FACTS_FILE), 'utf8')) as StackFacts;
}

/** The cloud assembly holds two bundles and their maps: not worth leaving in the temp directory. */
export function removeSynthesis(facts: StackFacts): void {
  rmSync(facts.outdir, { recursive: true, force: true });
}
