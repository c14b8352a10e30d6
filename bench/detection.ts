import { seededRandom } from '../lambda/core/seeded-random.ts';
import {
  type Cycle,
  type CycleWorld,
  type Engine,
  type Engines,
  EPOCH_MS,
  type OutageKind,
  QUIET_WORLD,
  SETTLING_CYCLES,
  settledState,
  step,
} from './engines.ts';
import { seconds, verdict } from './format.ts';
import type { Goal, SectionResult } from './section.ts';
import { median, percentile } from './stats.ts';

/**
 * Detection latency on a simulated clock: a vendor settled in good health; an outage starts at a
 * uniformly random instant within a cycle and lasts; cycles start on the cadence. Latency is the start
 * of the cycle that opens the incident, minus the onset, plus the time that cycle's page takes to be
 * published (engine-specific, see engines.ts).
 */

export const TRIALS = 10_000;
export const CADENCES_S = [60, 300] as const;
const SEED = 20261123;
/** A hard outage every engine must have paged on long before this many cycles. */
const MAX_CYCLES = 12;
const GOAL = { medianS: 75, p95S: 120, cadenceS: 60 } as const;

export const OUTAGE_LABELS: Record<OutageKind, string> = {
  acknowledged: 'API 503 + status page major',
  unacknowledged: 'API 5xx, status page green',
};

export interface Latency {
  medianS: number;
  p95S: number;
  /** Trials in which the engine never paged: a broken engine, not a slow one. */
  missed: number;
}

/** Tables 1 and 2 both need some of the same figures: each is simulated once per run. */
const measured = new WeakMap<Engine, Map<string, Latency>>();

export function detectionLatency(engine: Engine, outage: OutageKind, cadenceS: number): Latency {
  const byScenario = measured.get(engine) ?? new Map<string, Latency>();
  measured.set(engine, byScenario);
  const scenario = `${outage}@${cadenceS}`;
  const latency = byScenario.get(scenario) ?? simulateDetection(engine, outage, cadenceS, TRIALS);
  byScenario.set(scenario, latency);
  return latency;
}

function simulateDetection(engine: Engine, outage: OutageKind, cadenceS: number, trials: number): Latency {
  const random = seededRandom(SEED);
  const settled = settledState(engine, cadenceS);
  const outageWorld: CycleWorld = { ...QUIET_WORLD, outage };
  const latencies: number[] = [];
  let missed = 0;
  for (let trial = 0; trial < trials; trial++) {
    const onsetS = (SETTLING_CYCLES + random()) * cadenceS;
    let state = settled;
    let paged: { startS: number; cycle: Cycle } | null = null;
    for (let index = SETTLING_CYCLES; index < SETTLING_CYCLES + MAX_CYCLES && !paged; index++) {
      const startS = index * cadenceS;
      const next = step(
        engine,
        state,
        startS >= onsetS ? outageWorld : QUIET_WORLD,
        EPOCH_MS + startS * 1000,
      );
      state = next.state;
      if (next.opened) paged = { startS, cycle: next.cycle };
    }
    if (!paged) missed += 1;
    else latencies.push(paged.startS - onsetS + engine.publishDelayS(paged.cycle, cadenceS));
  }
  if (latencies.length === 0) return { medianS: Number.NaN, p95S: Number.NaN, missed };
  return { medianS: median(latencies), p95S: percentile(latencies, 95), missed };
}

export function detectionSection(engines: Engines, notes: readonly string[]): SectionResult {
  const compared = [engines.vendorwatch, engines.gatus, engines.synthetics];
  const goals: Goal[] = [];
  const regressions: string[] = [];
  const rows = compared.flatMap((engine) =>
    (Object.keys(OUTAGE_LABELS) as OutageKind[]).map((outage) => {
      const cells = CADENCES_S.flatMap((cadenceS) => {
        const latency = detectionLatency(engine, outage, cadenceS);
        if (latency.missed > 0) {
          regressions.push(
            `${engine.name} never paged in ${latency.missed} of ${TRIALS} trials of "${OUTAGE_LABELS[outage]}" at ${cadenceS / 60} min`,
          );
        }
        if (engine === engines.vendorwatch && cadenceS === GOAL.cadenceS) {
          goals.push({
            name: `detection at 1 min, ${OUTAGE_LABELS[outage]}`,
            target: `median ≤ ${GOAL.medianS} s, p95 ≤ ${GOAL.p95S} s`,
            measured: `median ${seconds(latency.medianS)}, p95 ${seconds(latency.p95S)}`,
            met: latency.medianS <= GOAL.medianS && latency.p95S <= GOAL.p95S,
          });
        }
        return [seconds(latency.medianS), seconds(latency.p95S)];
      });
      return [engine.name, OUTAGE_LABELS[outage], ...cells];
    }),
  );
  return {
    tables: [
      {
        title: `1. Detection latency: outage onset → page published (${TRIALS.toLocaleString('en-US')} onsets, uniform within a cycle)`,
        columns: ['monitor', 'outage', '1 min median', '1 min p95', '5 min median', '5 min p95'],
        rows,
        notes: [
          ...goals.map(
            (goal) => `Goal, ${goal.name}: ${goal.target}; measured ${goal.measured}: ${verdict(goal.met)}.`,
          ),
          ...notes,
        ],
      },
    ],
    goals,
    regressions,
  };
}
