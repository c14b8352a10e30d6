import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../config/load-config.ts';
import type { IncidentChange } from '../core/incident-state.ts';
import type { ProbeResult } from '../core/vocabulary.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import { cycleBudgetMs, probeVendor } from '../probe/probe-vendor.ts';
import type { Credentials } from './credentials.ts';
import { storeResult } from './result-store.ts';
import { applyResult } from './vendor-monitor.ts';

export interface VendorCycle {
  result: ProbeResult;
  key: string;
  changes: IncidentChange[];
  /** Set when delivering notifications failed; they stay pending and are retried next cycle. */
  deliveryError?: string;
}

export interface RunOptions {
  config: Config;
  store: ObjectStore;
  notifier: Notifier;
  credentials: Credentials;
  /** Stop after this many cycles; run until stopped when absent. */
  cycles?: number;
  /** Start to start. */
  intervalMs: number;
  /** The time a cycle is stamped with; the demo passes a fast clock. */
  clock: (cycle: number) => Date;
  onCycle: (cycle: number, outcomes: VendorCycle[]) => void;
  /** Aborting finishes the cycle under way, then stops. */
  stop: AbortSignal;
}

/** One vendor, one cycle: probe → store result → next state → notify, as the Lambdas do in AWS. */
async function monitorVendor(options: RunOptions, vendorIndex: number, now: Date): Promise<VendorCycle> {
  const { config, store, notifier, credentials } = options;
  const vendor = config.vendors[vendorIndex]!;
  const result = await probeVendor(vendor, {
    credential: credentials.byVendor.get(vendor.id) ?? null,
    secrets: credentials.secrets,
    now,
    budgetMs: cycleBudgetMs(vendor),
  });
  const key = await storeResult(store, result);
  try {
    const { changes } = await applyResult({ store, notifier, config }, result, key);
    return { result, key, changes };
  } catch (error) {
    return { result, key, changes: [], deliveryError: (error as Error).message };
  }
}

/** The monitor in one process: every vendor concurrently each cycle, the filesystem as the store. */
export async function runMonitor(options: RunOptions): Promise<number> {
  let cycle = 0;
  while (!options.stop.aborted && (options.cycles === undefined || cycle < options.cycles)) {
    cycle += 1;
    const started = Date.now();
    const now = options.clock(cycle);
    const outcomes = await Promise.all(
      options.config.vendors.map((_, index) => monitorVendor(options, index, now)),
    );
    options.onCycle(cycle, outcomes);
    const last = options.cycles !== undefined && cycle >= options.cycles;
    if (!last)
      await sleep(Math.max(0, options.intervalMs - (Date.now() - started)), undefined, {
        signal: options.stop,
      }).catch(() => undefined);
  }
  return cycle;
}
