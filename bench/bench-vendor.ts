import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../lambda/config/load-config.ts';
import type { VendorConfig } from '../lambda/config/profiles.ts';
import type { ProbeResult } from '../lambda/core/vocabulary.ts';
import { cycleBudgetMs, probeVendor } from '../lambda/probe/probe-vendor.ts';
import {
  type SimulatorMode,
  startSimulator,
  type VendorSimulator,
} from '../lambda/simulator/vendor-simulator.ts';
import { loadDeployConfig } from '../lib/deploy-config.ts';

/**
 * The vendor every section measures: the Miro profile (all five checks: status page, authenticated
 * API call, rate limit, token introspection, our health endpoint) pointed at the simulator, with its
 * token in Secrets Manager the way a deployed config references it.
 */

export const VENDOR_ID = 'miro';
export const SECRET_ID = 'vendorwatch/miro';
const CREDENTIAL = 'bench-miro-token-0123456789';
/** What Secrets Manager holds under SECRET_ID. */
export const SECRET_STRING = JSON.stringify({ accessToken: CREDENTIAL });

export interface BenchVendorOptions {
  /** Delay of a `slow` simulated API answer. @default the simulator's 2,500 ms */
  slowMs?: number;
  /** Latency above which the API counts as slow. @default the config default, 2,000 ms */
  latencyMsDegraded?: number;
}

export interface BenchVendor {
  simulator: VendorSimulator;
  /** The config as the stack inlines it into the functions (`VENDORWATCH_CONFIG`). */
  functionConfigDocument: string;
  config: Config;
  vendor: VendorConfig;
  /** The vendor's token, resolved (what the probe handler gets from Secrets Manager). */
  credential: string;
  setMode(mode: SimulatorMode): void;
  /** One real probe cycle, the way the probe handler runs it. */
  probe(now?: Date): Promise<ProbeResult>;
  close(): Promise<void>;
}

export async function startBenchVendor(options: BenchVendorOptions = {}): Promise<BenchVendor> {
  const simulator = await startSimulator({
    vendors: [{ id: VENDOR_ID, kind: 'miro', credential: CREDENTIAL }],
    ...(options.slowMs === undefined ? {} : { slowMs: options.slowMs }),
  });
  const configFile = JSON.stringify({
    vendors: [
      {
        id: VENDOR_ID,
        profile: 'miro',
        statusPage: simulator.statusPageUrl(VENDOR_ID),
        apiBase: simulator.apiBaseUrl(VENDOR_ID),
        auth: { token: { secret: SECRET_ID, field: 'accessToken' } },
        requiredScopes: ['boards:read'],
        appHealth: { url: simulator.appHealthUrl(), statusPath: `${VENDOR_ID}.status` },
        ...(options.latencyMsDegraded === undefined ? {} : { latencyMsDegraded: options.latencyMsDegraded }),
      },
    ],
  });
  const { config, document } = deployConfig(configFile);
  const vendor = config.vendors[0]!;
  return {
    simulator,
    functionConfigDocument: document,
    config,
    vendor,
    credential: CREDENTIAL,
    setMode: (mode) => simulator.setMode(VENDOR_ID, mode),
    probe: (now = new Date()) =>
      probeVendor(vendor, {
        credential: CREDENTIAL,
        secrets: [CREDENTIAL],
        now,
        budgetMs: cycleBudgetMs(vendor),
      }),
    close: () => simulator.close(),
  };
}

/** Through the stack's own loader, so the functions get exactly what a deployment would inline. */
function deployConfig(configFile: string): { config: Config; document: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vendorwatch-bench-config-'));
  try {
    const file = join(dir, 'vendorwatch.config.json');
    writeFileSync(file, configFile);
    return loadDeployConfig(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
