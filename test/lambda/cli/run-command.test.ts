import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notification } from '../../../lambda/core/notification.ts';
import { startSimulator, type VendorSimulator } from '../../../lambda/simulator/vendor-simulator.ts';
import { runCli, writeConfig } from '../../support/cli.ts';

const TOKEN = 'run-test-token';
let simulator: VendorSimulator;

beforeAll(async () => {
  simulator = await startSimulator({
    vendors: [
      { id: 'miro', kind: 'miro', credential: TOKEN },
      { id: 'flaky', kind: 'miro', credential: TOKEN },
      { id: 'idle', kind: 'miro', credential: TOKEN },
    ],
  });
});

afterAll(() => simulator?.close());

function configFor(vendor: string): string {
  return writeConfig({
    vendors: [
      {
        id: vendor,
        profile: 'miro',
        statusPage: simulator.statusPageUrl(vendor),
        apiBase: simulator.apiBaseUrl(vendor),
        auth: { token: { env: 'RUN_TEST_TOKEN' } },
        timeouts: { checkMs: 5_000, retryDelayMs: 20 },
      },
    ],
    policy: { openAfter: 2, resolveAfter: 3 },
  });
}

const env = { RUN_TEST_TOKEN: TOKEN };
/** These tests run the real CLI several times over; a loaded 2-core box needs room. */
const SEVERAL_RUNS_MS = 120_000;
const newDataDir = () => mkdtempSync(join(tmpdir(), 'vendorwatch-run-'));
const run = (config: string, data: string, cycles: number) =>
  runCli(
    ['run', '--config', config, '--data', data, '--cycles', String(cycles), '--interval-seconds', '0.05'],
    env,
  );

function outbox(data: string, topic: string): Notification[] {
  const dir = join(data, 'outbox', topic);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Notification);
}
const events = (data: string, topic = 'pager') => outbox(data, topic).map((n) => n.event.event);

describe('vendorwatch run: healthy → outage → healthy', () => {
  it(
    'opens exactly one incident, pages once for opened and once for resolved, and drafts a postmortem',
    async () => {
      const config = configFor('miro');
      const data = newDataDir();

      simulator.setMode('miro', 'healthy');
      expect((await run(config, data, 2)).code).toBe(0);
      simulator.setMode('miro', 'outage');
      const outage = await run(config, data, 3);
      simulator.setMode('miro', 'healthy');
      const recovery = await run(config, data, 4);

      expect(outage.stdout).toContain('[opened]');
      expect(recovery.stdout).toContain('[resolved]');
      const listed = JSON.parse((await runCli(['incidents', '--data', data, '--json'])).stdout);
      expect(listed.incidents).toHaveLength(1);
      expect(listed.incidents[0]).toMatchObject({
        vendor: 'miro',
        severity: 'P1',
        cause: 'vendor_outage',
        side: 'vendor',
        status: 'RESOLVED',
      });
      const pager = events(data);
      expect(pager.filter((event) => event === 'opened')).toHaveLength(1);
      expect(pager.filter((event) => event === 'resolved')).toHaveLength(1);
      expect(events(data, 'status-page')).toEqual(expect.arrayContaining(['opened', 'resolved']));
      const postmortem = await runCli(['postmortem', listed.incidents[0].id, '--data', data]);
      expect(postmortem.code).toBe(0);
      for (const section of [
        '**Date:**',
        '**Duration:**',
        '**Severity:** P1',
        '**Impact:**',
        '### Timeline (UTC)',
        '### Root Cause',
        '### What Went Well',
        '### What Went Wrong',
        '### Action Items',
        '### Evidence',
      ]) {
        expect(postmortem.stdout).toContain(section);
      }
      expect(postmortem.stdout).toContain('Elevated API error rates');
      const status = JSON.parse((await runCli(['status', '--data', data, '--json'])).stdout);
      expect(status.vendors).toEqual([
        expect.objectContaining({ vendor: 'miro', healthy: true, openIncident: null }),
      ]);
    },
    SEVERAL_RUNS_MS,
  );
});

describe('vendorwatch run: a notification that cannot be delivered stays pending', () => {
  it(
    'is delivered later with the same dedupKey, exactly once, and nothing else is lost',
    async () => {
      const config = configFor('flaky');
      const data = newDataDir();
      // Fault injection: a file where the outbox directory should be makes every publish fail.
      writeFileSync(join(data, 'outbox'), 'not a directory');

      simulator.setMode('flaky', 'outage');
      const failing = await run(config, data, 2);
      expect(failing.stdout).toContain('delivery pending');
      const pending = JSON.parse(readFileSync(join(data, 'state', 'flaky.json'), 'utf8'));
      const pendingKeys = pending.outbox.flatMap((item: { notifications: Notification[] }) =>
        item.notifications.map((notification) => notification.event.dedupKey),
      );
      expect(pendingKeys.length).toBeGreaterThan(0);

      rmSync(join(data, 'outbox'));
      simulator.setMode('flaky', 'healthy');
      await run(config, data, 4);

      const pager = outbox(data, 'pager');
      const keys = pager.map((notification) => notification.event.dedupKey);
      expect(new Set(keys).size).toBe(keys.length);
      for (const key of pendingKeys) expect(keys).toContain(key);
      expect(pager.map((n) => n.event.event).filter((event) => event === 'opened')).toHaveLength(1);
      expect(pager.map((n) => n.event.event)).toContain('resolved');
      const state = JSON.parse(readFileSync(join(data, 'state', 'flaky.json'), 'utf8'));
      expect(state.outbox).toEqual([]);
    },
    SEVERAL_RUNS_MS,
  );
});

describe('vendorwatch run: stopping and bad input', () => {
  it('stops cleanly on SIGINT after finishing the cycle under way', async () => {
    const data = newDataDir();
    simulator.setMode('idle', 'healthy');
    const child = spawn(
      process.execPath,
      [
        resolve('bin/vendorwatch.js'),
        'run',
        '--config',
        configFor('idle'),
        '--data',
        data,
        '--interval-seconds',
        '60',
      ],
      { env: { ...process.env, ...env, NO_COLOR: '1' } },
    );
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('cycle   1')) child.kill('SIGINT');
    });

    const code = await new Promise((done) => child.on('exit', done));

    expect(code).toBe(0);
    expect(stdout).toContain('cycle   1');
    expect(readdirSync(join(data, 'results'))).toEqual(['vendor=idle']);
  });

  it('a bad config is exit 2 and writes nothing', async () => {
    const data = newDataDir();

    const result = await runCli([
      'run',
      '--config',
      writeConfig({ vendors: [{ id: 'x', profile: 'nope' }] }),
      '--data',
      data,
    ]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('vendors[0].profile');
    expect(readdirSync(data)).toEqual([]);
  });

  it('a bad --interval-seconds is a usage error', async () => {
    const result = await runCli([
      'run',
      '--config',
      configFor('idle'),
      '--data',
      newDataDir(),
      '--interval-seconds',
      '-1',
    ]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--interval-seconds');
  });
});
