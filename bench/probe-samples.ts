import type { Config } from '../lambda/config/load-config.ts';
import type { CheckName, CheckResult, ProbeResult } from '../lambda/core/vocabulary.ts';
import type { SimulatorMode } from '../lambda/simulator/vendor-simulator.ts';
import { startBenchVendor } from './bench-vendor.ts';

/**
 * Real probe cycles against the simulator, one per vendor condition the simulated clock needs. The
 * detection and false-page models replay these checks (unchanged, or recombined check by check)
 * through the real `classify` and `nextState`, so no check result in the bench is hand-written.
 */
export interface ProbeSamples {
  /** Every check passes. */
  healthy: ProbeResult;
  /** `outage`: the status page says major, the API answers 503 on both attempts. */
  acknowledgedOutage: ProbeResult;
  /** `errors`: the status page is green, the API answers 500 on both attempts (so does introspection). */
  unacknowledgedOutage: ProbeResult;
  /** `flapping`: the API's first answer is a 503, the in-cycle retry gets a 200. */
  blip: ProbeResult;
}

const SAMPLED_MODES = {
  healthy: 'healthy',
  acknowledgedOutage: 'outage',
  unacknowledgedOutage: 'errors',
  blip: 'flapping',
} as const satisfies Record<keyof ProbeSamples, SimulatorMode>;

/** The samples and the config of the vendor they were taken from. */
export interface SampledVendor {
  samples: ProbeSamples;
  config: Config;
}

export async function sampleProbeCycles(): Promise<SampledVendor> {
  const bench = await startBenchVendor();
  try {
    const samples: Partial<ProbeSamples> = {};
    // One after another: a mode change restarts the simulator's per-mode state (flapping's phase).
    for (const [name, mode] of Object.entries(SAMPLED_MODES) as [keyof ProbeSamples, SimulatorMode][]) {
      bench.setMode(mode);
      samples[name] = await bench.probe();
    }
    return { samples: samples as ProbeSamples, config: bench.config };
  } finally {
    await bench.close();
  }
}

export function checkOf(result: ProbeResult, name: CheckName): CheckResult {
  const check = result.checks.find((candidate) => candidate.name === name);
  if (!check) throw new Error(`the ${result.verdict.cause} sample has no ${name} check`);
  return check;
}

/** The sample's checks with some replaced by the same-named checks of other samples. */
export function withChecks(base: ProbeResult, replacements: readonly CheckResult[]): CheckResult[] {
  return base.checks.map(
    (check) => replacements.find((replacement) => replacement.name === check.name) ?? check,
  );
}

/**
 * What a monitor without an in-cycle retry reports for the same failure: the first attempt only.
 * Its evidence is the real first exchange; only the count of attempts changes.
 */
export function firstAttemptOnly(check: CheckResult): CheckResult {
  const first = check.evidence[0];
  if (!first) throw new Error(`the ${check.name} check has no attempt to keep`);
  return { ...check, attempts: 1, evidence: [first], latencyMs: first.timings.totalMs };
}
