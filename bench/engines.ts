import { type ClassifyContext, classify } from '../lambda/core/classify.ts';
import {
  type IncidentChange,
  type IncidentPolicy,
  initialState,
  nextState,
  type VendorState,
} from '../lambda/core/incident-state.ts';
import { resultKey } from '../lambda/core/storage-layout.ts';
import type { CheckResult, ProbeResult, Verdict } from '../lambda/core/vocabulary.ts';
import { VENDOR_ID } from './bench-vendor.ts';
import { checkOf, firstAttemptOnly, type ProbeSamples, withChecks } from './probe-samples.ts';

/**
 * The monitors compared, all run by vendorwatch's own engine (`classify` + `nextState`) on a simulated
 * clock; they differ only in what one cycle checks, whether a failing API call is retried in-cycle,
 * how many failing cycles open an incident, and how long a decided page takes to go out.
 */

export type OutageKind = 'acknowledged' | 'unacknowledged';

/** What the vendor does to one cycle. */
export interface CycleWorld {
  outage: OutageKind | null;
  /** Transient failure of the API call's first and (if made) second attempt; ignored in an outage. */
  apiAttemptFails: readonly [boolean, boolean];
  /** Transient failure of the token introspection request (same API host). */
  tokenFails: boolean;
}

export const QUIET_WORLD: CycleWorld = { outage: null, apiAttemptFails: [false, false], tokenFails: false };

/** One cycle's checks and how long the cycle took, from real probe samples. */
export interface Cycle {
  checks: readonly CheckResult[];
  durationMs: number;
}

export interface Engine {
  name: string;
  policy: IncidentPolicy;
  /** What `classify` needs to know about the vendor's credential. */
  context: ClassifyContext;
  cycle(world: CycleWorld): Cycle;
  /** Seconds from the start of the cycle that decides to page until the page is published. */
  publishDelayS(deciding: Cycle, cadenceS: number): number;
}

/** What the detection model adds to measured durations: stated, not measured. */
export const ASSUMPTIONS = {
  /** S3 ObjectCreated notification until the state function starts (AWS: "typically seconds"). */
  s3EventDeliveryS: 1,
  /**
   * CloudWatch Synthetics: the canary's datapoint lands in the period its run started; a 1-of-1 alarm
   * judges that period after it closes, and alarms are evaluated about once a minute on datapoints
   * that have arrived. Observed delays are often longer (re:Post "Understanding CloudWatch Alarm
   * Evaluation"): this is the optimistic end.
   */
  alarmEvaluationDelayS: 60,
  /** Gatus alerts as the failing check completes: no delay beyond the check itself. */
  gatusAlertDelayS: 0,
} as const;

/** Gatus' documented defaults (README, Alerting): `failure-threshold: 3`, `success-threshold: 2`, `interval: 60s`. */
const GATUS_DEFAULTS = { failureThreshold: 3, successThreshold: 2 } as const;

export interface EngineInputs {
  samples: ProbeSamples;
  /** The policy vendorwatch ships with (config defaults). */
  policy: IncidentPolicy;
  classifyContext: ClassifyContext;
  /** Measured: the state function's run on the result that opens an incident. */
  stateStageS: number;
  /** The vendor's delay before the in-cycle retry (config default). */
  retryDelayMs: number;
}

export interface Engines {
  vendorwatch: Engine;
  vendorwatchOpenAfter1: Engine;
  vendorwatchOpenAfter3: Engine;
  gatus: Engine;
  synthetics: Engine;
}

export function buildEngines(inputs: EngineInputs): Engines {
  const { policy, stateStageS, classifyContext: context } = inputs;
  const fullCycle = vendorwatchCycles(inputs.samples);
  const apiOnlyCycle = singleAttemptApiCycles(inputs.samples);
  const vendorwatchDelay = (deciding: Cycle) =>
    deciding.durationMs / 1000 + ASSUMPTIONS.s3EventDeliveryS + stateStageS;
  const vendorwatch = (openAfter: number, name: string): Engine => ({
    name,
    policy: { ...policy, openAfter },
    context,
    cycle: fullCycle,
    publishDelayS: vendorwatchDelay,
  });
  return {
    vendorwatch: vendorwatch(policy.openAfter, `vendorwatch (openAfter ${policy.openAfter}, in-cycle retry)`),
    vendorwatchOpenAfter1: vendorwatch(1, 'vendorwatch, openAfter 1 (no hysteresis)'),
    vendorwatchOpenAfter3: vendorwatch(3, 'vendorwatch, openAfter 3'),
    gatus: {
      name: 'Gatus defaults (failure-threshold 3, no retry)',
      policy: {
        ...policy,
        openAfter: GATUS_DEFAULTS.failureThreshold,
        resolveAfter: GATUS_DEFAULTS.successThreshold,
      },
      context,
      cycle: apiOnlyCycle,
      publishDelayS: (deciding) => deciding.durationMs / 1000 + ASSUMPTIONS.gatusAlertDelayS,
    },
    synthetics: {
      name: 'CloudWatch Synthetics canary, alarm 1 of 1',
      // The alarm returns to OK on the first good datapoint, so every failing run after a good one pages.
      policy: { ...policy, openAfter: 1, resolveAfter: 1 },
      context,
      cycle: apiOnlyCycle,
      publishDelayS: (_deciding, cadenceS) => cadenceS + ASSUMPTIONS.alarmEvaluationDelayS,
    },
  };
}

/** vendorwatch's cycle: all five checks, the API call retried once in-cycle. */
function vendorwatchCycles(samples: ProbeSamples): (world: CycleWorld) => Cycle {
  const { healthy, blip, unacknowledgedOutage: failing } = samples;
  const fromSample = (sample: ProbeResult): Cycle => ({
    checks: sample.checks,
    durationMs: sample.durationMs,
  });
  // The rate-limit check reads the API call's final answer, so it travels with the API check.
  const apiOutcomes = {
    pass: { checks: [] as CheckResult[], durationMs: healthy.durationMs },
    recovered: { checks: [checkOf(blip, 'api'), checkOf(blip, 'rate_limit')], durationMs: blip.durationMs },
    failed: {
      checks: [checkOf(failing, 'api'), checkOf(failing, 'rate_limit')],
      durationMs: failing.durationMs,
    },
  };
  const tokenFailed = checkOf(failing, 'token');
  // Every combination built once: the simulated clock runs hundreds of thousands of cycles.
  const quietCycles = new Map<string, Cycle>();
  for (const [outcome, api] of Object.entries(apiOutcomes)) {
    for (const tokenFails of [false, true]) {
      const replacements = [...api.checks, ...(tokenFails ? [tokenFailed] : [])];
      quietCycles.set(`${outcome}/${tokenFails}`, {
        checks: withChecks(healthy, replacements),
        durationMs: api.durationMs,
      });
    }
  }
  const acknowledged = fromSample(samples.acknowledgedOutage);
  const unacknowledged = fromSample(failing);
  return (world) => {
    if (world.outage === 'acknowledged') return acknowledged;
    if (world.outage === 'unacknowledged') return unacknowledged;
    const [first, second] = world.apiAttemptFails;
    const outcome = !first ? 'pass' : second ? 'failed' : 'recovered';
    return quietCycles.get(`${outcome}/${world.tokenFails}`)!;
  };
}

/** Gatus' or a canary's cycle: one request to the API, no retry, no status page, no token check. */
function singleAttemptApiCycles(samples: ProbeSamples): (world: CycleWorld) => Cycle {
  const cycleOf = (check: CheckResult): Cycle => ({ checks: [check], durationMs: check.latencyMs ?? 0 });
  const pass = cycleOf(checkOf(samples.healthy, 'api'));
  const acknowledged = cycleOf(firstAttemptOnly(checkOf(samples.acknowledgedOutage, 'api')));
  const failed = cycleOf(firstAttemptOnly(checkOf(samples.unacknowledgedOutage, 'api')));
  return (world) => {
    if (world.outage === 'acknowledged') return acknowledged;
    if (world.outage === 'unacknowledged' || world.apiAttemptFails[0]) return failed;
    return pass;
  };
}

/** Where simulated time starts: a fixed instant, so result keys and incident ids replay identically. */
export const EPOCH_MS = Date.UTC(2026, 0, 5);

export interface Step {
  state: VendorState;
  cycle: Cycle;
  /** The `opened` event, when this cycle opened an incident. */
  opened: IncidentChange | undefined;
}

/**
 * `classify` is pure and the cycles are built once, so each distinct cycle is classified once and its
 * verdict reused: the simulated clock replays the same few cycles hundreds of thousands of times.
 */
const verdicts = new WeakMap<ClassifyContext, WeakMap<Cycle, Verdict>>();
function verdictOf(engine: Engine, cycle: Cycle): Verdict {
  const known = verdicts.get(engine.context) ?? new WeakMap<Cycle, Verdict>();
  verdicts.set(engine.context, known);
  const verdict = known.get(cycle) ?? classify([...cycle.checks], engine.context);
  known.set(cycle, verdict);
  return verdict;
}

/** One cycle through the real classifier and state machine. */
export function step(engine: Engine, state: VendorState, world: CycleWorld, startedAtMs: number): Step {
  const cycle = engine.cycle(world);
  const startedAt = new Date(startedAtMs).toISOString();
  const result: ProbeResult = {
    vendor: VENDOR_ID,
    startedAt,
    durationMs: cycle.durationMs,
    checks: [...cycle.checks],
    verdict: verdictOf(engine, cycle),
  };
  const next = nextState(state, result, resultKey(VENDOR_ID, startedAt, 'bench'), engine.policy);
  return { state: next.state, cycle, opened: next.changes.find((change) => change.event === 'opened') };
}

/** A vendor that has been healthy long enough for its state to settle (okStreak at its cap). */
export function settledState(engine: Engine, cadenceS: number): VendorState {
  let state = initialState(VENDOR_ID);
  for (let index = 0; index < SETTLING_CYCLES; index++) {
    state = step(engine, state, QUIET_WORLD, EPOCH_MS + index * cadenceS * 1000).state;
  }
  return state;
}

/** More than any policy's resolveAfter, so every engine starts from a settled, healthy state. */
export const SETTLING_CYCLES = 10;

/** How each monitor's publish delay is made up, with this run's measured parts. */
export function publishDelayNotes(inputs: EngineInputs): string[] {
  const { samples, stateStageS } = inputs;
  const gatusCheckMs = checkOf(samples.unacknowledgedOutage, 'api').evidence[0]?.timings.totalMs ?? 0;
  return [
    `vendorwatch: the failing probe cycle (measured ${(samples.unacknowledgedOutage.durationMs / 1000).toFixed(1)} s, mostly the ${(inputs.retryDelayMs / 1000).toFixed(0)} s delay before the in-cycle retry) + S3 event delivery (assumed ${ASSUMPTIONS.s3EventDeliveryS} s) + the state handler on the opening result (measured ${(stateStageS * 1000).toFixed(0)} ms).`,
    `Gatus: its single request (measured ${gatusCheckMs} ms against the simulator) + alert dispatch (assumed ${ASSUMPTIONS.gatusAlertDelayS} s). Same cadence as vendorwatch (its default interval is 60 s).`,
    `CloudWatch Synthetics: the run's datapoint is judged when its period (= the cadence) closes, plus ${ASSUMPTIONS.alarmEvaluationDelayS} s alarm evaluation (assumed; re:Post reports minutes in practice), so it is optimistic.`,
    'Onsets are uniform within a cycle; a cycle starting at or after the onset sees the outage on every request (an onset between a first attempt and its retry counts as the next cycle).',
    'Neither Gatus nor a canary reads the vendor status page, so both outage kinds look the same to them.',
  ];
}
