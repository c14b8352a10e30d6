import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileObjectStore } from '../../lambda/adapters/file-object-store.ts';
import { OutboxNotifier } from '../../lambda/adapters/outbox-notifier.ts';
import { storeResult } from '../../lambda/monitor/result-store.ts';
import { applyResult } from '../../lambda/monitor/vendor-monitor.ts';
import { runCli, writeConfig } from '../support/cli.ts';
import { reportCounts } from './support/counts.ts';
import { monitorConfig } from './support/monitor.ts';
import { GREEN_SUMMARY, json, startVendorServer, type VendorServer } from './support/vendor-server.ts';

// The deployed side of this is asserted on the synthesized template in test/lib/monitor-alarms.test.ts:
// a vendor whose schedule stops invoking the probe trips its own dead-man alarm (missing data
// breaching), and a probe invocation that fails trips the probe function's errors and dead-letter
// alarms; all of them page the pager topic. That a failing probe does fail its invocation, rather than
// store a misleading result, is in lambda-handlers.test.ts (Secrets Manager failing).

let vendor: VendorServer;
beforeAll(async () => {
  vendor = await startVendorServer({ '/status/api/v2/summary.json': json(GREEN_SUMMARY) });
});
afterAll(() => vendor?.close());

const vendorEntry = (id: string) => ({ id, profile: 'generic', statusPage: `${vendor.url}/status` });

interface StatusRow {
  vendor: string;
  healthy: boolean | null;
  lastCheck: string | null;
  stale: boolean;
}

describe('monitoring the monitor, locally: `status` shows a vendor whose results stopped', () => {
  it('a vendor probed until 10 minutes ago is stale, one probed now is not, one never probed is stale', async () => {
    const data = mkdtempSync(join(tmpdir(), 'vendorwatch-gap-'));
    // "silent" was monitored for a while, then its results stopped (probe failing or schedule disabled).
    const store = new FileObjectStore(data);
    const deps = { store, notifier: new OutboxNotifier(store), config: monitorConfig(['silent']) };
    const lastSilent = new Date(Date.now() - 10 * 60_000);
    for (const minutesBefore of [4, 3, 2, 1, 0]) {
      const startedAt = new Date(lastSilent.getTime() - minutesBefore * 60_000).toISOString();
      const result = { vendor: 'silent', startedAt, durationMs: 20, checks: [] };
      const healthy = {
        severity: null,
        cause: 'ok',
        side: 'unknown',
        summary: '',
        action: '',
        confirmed: false,
      } as const;
      const stored = { ...result, verdict: healthy };
      await applyResult(deps, stored, await storeResult(store, stored));
    }
    const running = await runCli([
      'run',
      '--config',
      writeConfig({ vendors: [vendorEntry('fresh')] }),
      '--data',
      data,
      '--cycles',
      '1',
    ]);
    expect(running.code).toBe(0);
    const everyone = writeConfig({ vendors: ['fresh', 'silent', 'never'].map(vendorEntry) });

    const [status, human] = await Promise.all([
      runCli(['status', '--data', data, '--config', everyone, '--json']),
      runCli(['status', '--data', data, '--config', everyone]),
    ]);

    expect(status.code).toBe(0);
    const rows = (JSON.parse(status.stdout) as { vendors: StatusRow[] }).vendors;
    const byVendor = Object.fromEntries(rows.map((row) => [row.vendor, row]));
    expect(byVendor.fresh).toMatchObject({ healthy: true, stale: false });
    expect(byVendor.silent).toMatchObject({
      healthy: true,
      stale: true,
      lastCheck: lastSilent.toISOString(),
    });
    expect(byVendor.never).toMatchObject({ healthy: null, stale: true, lastCheck: null });
    const silentLine = human.stdout.split('\n').find((line) => line.startsWith('silent'));
    expect(silentLine).toContain('STALE: no recent results');
    expect(human.stdout.split('\n').find((line) => line.startsWith('fresh'))).not.toContain('STALE');
    reportCounts('results stop arriving (local status)', {
      faultsInjected: 2,
      staleVendorsShown: rows.filter((row) => row.stale).length,
    });
  });
});
