import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLE_CONFIG } from './synthesized.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vendorwatch-app-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** No AWS account, no credentials, no network lookups: what a fresh laptop or CI runner has. */
function offlineEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const environment = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(AWS_|CDK_)/.test(name)),
  );
  return {
    ...environment,
    AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    CDK_DISABLE_VERSION_CHECK: '1',
    ...extra,
  };
}

const run = promisify(execFile);

async function exitOf(command: string, args: string[], env: NodeJS.ProcessEnv) {
  try {
    const { stdout, stderr } = await run(command, args, { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the CDK app (bin/app.ts)', () => {
  it('synthesizes through the real CLI, offline and without credentials', { timeout: 180_000 }, async () => {
    const out = join(dir, 'cdk.out');

    const result = await exitOf(
      'npx',
      ['cdk', 'synth', '--no-notices', '-q', '-o', out, '-c', `config=${EXAMPLE_CONFIG}`],
      offlineEnvironment(),
    );

    expect(result.stderr).not.toMatch(/\bERROR\b/);
    expect(result.code).toBe(0);
    const template = JSON.parse(readFileSync(join(out, 'Vendorwatch.template.json'), 'utf8'));
    const types = Object.values(template.Resources).map((resource) => (resource as { Type: string }).Type);
    expect(types.filter((type) => type === 'AWS::Scheduler::Schedule')).toHaveLength(3);
    const report = JSON.parse(readFileSync(join(out, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.flatMap((plugin: { violations: unknown[] }) => plugin.violations)).toEqual(
      [],
    );
  });

  it('refuses an {env} secret reference with exit 2, naming its path, without a stack trace', async () => {
    const config = JSON.parse(readFileSync(EXAMPLE_CONFIG, 'utf8'));
    config.vendors[1].auth = { apiKey: { env: 'IDEOGRAM_API_KEY' } };
    const file = join(dir, 'env.config.json');
    writeFileSync(file, JSON.stringify(config));

    const result = await exitOf(
      process.execPath,
      ['--import', 'tsx', 'bin/app.ts'],
      offlineEnvironment({ CDK_CONTEXT_JSON: JSON.stringify({ config: file }) }),
    );

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'vendors[1].auth: {env} references only work locally; use {"secret": NAME, "field": KEY} on AWS',
    );
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
