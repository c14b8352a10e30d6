import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvSecretSource } from '../../adapters/env-secret-source.ts';
import { FileObjectStore } from '../../adapters/file-object-store.ts';
import { OutboxNotifier } from '../../adapters/outbox-notifier.ts';
import { parseConfig } from '../../config/load-config.ts';
import { vendorOfIncidentId } from '../../core/incident-state.ts';
import type { Notification } from '../../core/notification.ts';
import { postmortemKey } from '../../core/storage-layout.ts';
import { resolveCredentials } from '../../monitor/credentials.ts';
import { runMonitor } from '../../monitor/local-runner.ts';
import {
  type SimulatorMode,
  startSimulator,
  type VendorSimulator,
} from '../../simulator/vendor-simulator.ts';
import { EXIT } from '../exit-codes.ts';
import { cycleLine } from './run.ts';

/** The game day, minute by simulated minute: which vendor is in which mode from that cycle on. */
const SCRIPT: Record<number, Partial<Record<'miro' | 'ideogram', SimulatorMode>>> = {
  4: { miro: 'outage' },
  6: { ideogram: 'unauthorized' },
  10: { miro: 'healthy' },
  12: { ideogram: 'healthy' },
};
const CYCLES = 16;
const DEMO_SECRETS = {
  VENDORWATCH_DEMO_MIRO_TOKEN: 'demo-miro-token',
  VENDORWATCH_DEMO_IDEOGRAM_KEY: 'demo-ideogram-key',
};

function demoConfig(simulator: VendorSimulator): string {
  const fast = { timeouts: { checkMs: 2000, retryDelayMs: 100, confirmAfterMs: 300 } };
  return JSON.stringify({
    vendors: [
      {
        id: 'miro',
        profile: 'miro',
        statusPage: simulator.statusPageUrl('miro'),
        apiBase: simulator.apiBaseUrl('miro'),
        auth: { token: { env: 'VENDORWATCH_DEMO_MIRO_TOKEN' } },
        appHealth: { url: simulator.appHealthUrl(), statusPath: 'miro.status' },
        ...fast,
      },
      {
        id: 'ideogram',
        profile: 'ideogram',
        statusPage: simulator.statusPageUrl('ideogram'),
        apiBase: simulator.apiBaseUrl('ideogram'),
        auth: { apiKey: { env: 'VENDORWATCH_DEMO_IDEOGRAM_KEY' } },
        ...fast,
      },
    ],
    policy: { openAfter: 2, resolveAfter: 3, reminderMinutes: 30 },
  });
}

const indent = (text: string): string => text.replace(/^/gm, '    ');

function printNotification(notification: Notification): void {
  const to = notification.topic === 'pager' ? 'PAGER' : 'STATUS PAGE';
  process.stdout.write(`\n  ── ${to} ── ${notification.subject}\n${indent(notification.text)}\n\n`);
}

/**
 * A game day with nothing configured: a built-in simulator goes healthy → Miro outage → Ideogram
 * token expiry → recovery, one simulated minute per cycle, and the real monitor watches it.
 */
export async function demoCommand(options: { intervalMs?: number } = {}): Promise<number> {
  const simulator = await startSimulator({
    vendors: [
      { id: 'miro', kind: 'miro', credential: DEMO_SECRETS.VENDORWATCH_DEMO_MIRO_TOKEN },
      { id: 'ideogram', kind: 'ideogram', credential: DEMO_SECRETS.VENDORWATCH_DEMO_IDEOGRAM_KEY },
    ],
  });
  try {
    const config = parseConfig(demoConfig(simulator), 'demo config');
    const { credentials } = await resolveCredentials(config.vendors, new EnvSecretSource(DEMO_SECRETS));
    const data = await mkdtemp(join(tmpdir(), 'vendorwatch-demo-'));
    const store = new FileObjectStore(data);
    const outbox = new OutboxNotifier(store);
    // The game day ends now, so `evidence --since 30m` and `status` read it like live data.
    const start = Math.floor(Date.now() / 60_000) * 60_000 - CYCLES * 60_000;
    process.stdout.write(`vendorwatch game day: simulator at ${simulator.url}, data in ${data}\n`);
    process.stdout.write(
      "One cycle = one simulated minute. Miro goes down at minute 4, Ideogram's key is revoked at minute 6.\n\n",
    );
    const heard: Notification[] = [];
    const incidents = new Set<string>();
    await runMonitor({
      config,
      store,
      notifier: {
        publish: async (notification) => {
          await outbox.publish(notification);
          heard.push(notification);
          incidents.add(notification.event.incidentId);
        },
      },
      credentials,
      cycles: CYCLES,
      intervalMs: options.intervalMs ?? 200,
      clock: (cycle) => {
        for (const [vendor, mode] of Object.entries(SCRIPT[cycle] ?? {})) simulator.setMode(vendor, mode);
        return new Date(start + (cycle - 1) * 60_000);
      },
      onCycle: (cycle, outcomes) => {
        process.stdout.write(`${cycleLine(cycle, outcomes)}\n`);
        for (const notification of heard.splice(0)) printNotification(notification);
      },
      stop: new AbortController().signal,
    });
    const [first] = incidents;
    process.stdout.write(
      [
        'Postmortem drafts:',
        ...[...incidents].map((id) => `  ${join(data, postmortemKey(vendorOfIncidentId(id)!, id))}`),
        '',
        'Try it yourself on the data the game day left:',
        `  npx vendorwatch status --data ${data}`,
        `  npx vendorwatch incidents --data ${data}`,
        `  npx vendorwatch evidence --vendor miro --since 30m --data ${data}`,
        `  npx vendorwatch postmortem ${first ?? 'INCIDENT_ID'} --data ${data}`,
        '',
      ].join('\n'),
    );
    return EXIT.ok;
  } finally {
    await simulator.close();
  }
}
