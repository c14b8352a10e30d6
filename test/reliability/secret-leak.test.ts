import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED, Redactor } from '../../lambda/probe/redactor.ts';
import { runCli, writeConfig } from '../support/cli.ts';
import { reportCounts } from './support/counts.ts';
import { ECHO_POLICY, echoRoutes, echoVendor, secretArb } from './support/echo-vendor.ts';
import { filesUnder, leakReport } from './support/leaks.ts';
import { startVendorServer, type VendorServer } from './support/vendor-server.ts';

// The same fuzz through the Lambda handlers (S3 objects, SNS messages, logs) and the synthesized
// template is in lambda-handlers.test.ts, which has moto_server.

let vendor: VendorServer;
beforeAll(async () => {
  vendor = await startVendorServer(echoRoutes);
});
afterAll(() => vendor?.close());

const totals = { secrets: 0, placesScanned: 0, leaks: 0 };
afterAll(() => reportCounts('secret-leak fuzz, local', { faultsInjected: totals.secrets, ...totals }));

describe('secret-leak fuzz: a vendor echoing the credential everywhere leaks nothing anywhere', () => {
  it('`vendorwatch run`: data dir (results, state, incidents, postmortems, outbox), stdout and stderr', async () => {
    await fc.assert(
      fc.asyncProperty(secretArb, async (secret) => {
        const data = mkdtempSync(join(tmpdir(), 'vendorwatch-leak-'));
        const config = writeConfig({
          vendors: [echoVendor(vendor.url, secret, 'echo', { env: 'ECHO_TOKEN' })],
          policy: ECHO_POLICY,
        });

        const run = await runCli(
          ['run', '--config', config, '--data', data, '--cycles', '3', '--interval-seconds', '0.05'],
          { ECHO_TOKEN: secret },
        );

        expect(run.code).toBe(0);
        expect(run.stdout).toContain('[opened]');
        expect(run.stdout).toContain('resolved');
        for (const dir of ['results', 'state', 'incidents', 'postmortems', 'outbox'])
          expect(readdirSync(join(data, dir))).not.toEqual([]);
        const places = { ...filesUnder(data), stdout: run.stdout, stderr: run.stderr };
        const leaks = leakReport(secret, places);
        totals.secrets += 1;
        totals.placesScanned += Object.keys(places).length;
        totals.leaks += leaks.length;
        expect(leaks).toEqual([]);
      }),
      { seed: 424_242, numRuns: 2, endOnFailure: true },
    );
  });

  it('a credential no HTTP header can carry is refused before any probe: exit 2 naming its config path, never echoed', async () => {
    const config = writeConfig({ vendors: [echoVendor(vendor.url, 'x', 'echo', { env: 'ECHO_TOKEN' })] });
    const secrets = ['sk-line\nbreak', 'sk-€uro', 'sk-del\u007fete'];
    const dirs = secrets.map(() => mkdtempSync(join(tmpdir(), 'vendorwatch-leak-')));

    const runs = await Promise.all(
      secrets.map((secret, index) =>
        runCli(['run', '--config', config, '--data', dirs[index]!, '--cycles', '1'], { ECHO_TOKEN: secret }),
      ),
    );

    runs.forEach((run, index) => {
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('vendors[0].auth.token: the credential holds a line break');
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(leakReport(secrets[index]!, { stdout: run.stdout, stderr: run.stderr })).toEqual([]);
      expect(readdirSync(dirs[index]!)).toEqual([]);
    });
  });

  it('masking stays fast on a hostile body: 64 KB of escapes after a secret full of escapes', () => {
    const secret = 'sk-\\\\\\\\""""////%%%%++++    x';
    const redactor = new Redactor([secret]);
    const started = performance.now();

    for (const run of ['\\', '"', '\\"', '%', '/', ' '])
      redactor.text(`sk-${run.repeat(65_536 / run.length)}`);
    const masked = redactor.text(`a ${JSON.stringify({ echo: JSON.stringify({ echo: secret }) })} b`);

    expect(masked).toContain(REDACTED);
    expect(leakReport(secret, { masked })).toEqual([]);
    // Far inside any check timeout: a vendor cannot stall the cycle through redaction.
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
