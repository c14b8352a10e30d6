import { seededRandom } from '../lambda/core/seeded-random.ts';
import { detectionLatency, OUTAGE_LABELS } from './detection.ts';
import { type Engine, type Engines, EPOCH_MS, SETTLING_CYCLES, settledState, step } from './engines.ts';
import { percent, seconds } from './format.ts';
import type { SectionResult } from './section.ts';

/**
 * False pages: a vendor that is up, whose API host fails individual requests at random (a 5xx on one
 * request, independently of every other). Every incident opened is a false page. The same seeded
 * sequence of failures is replayed for every monitor, so the rows differ only by the monitor.
 */

export const CYCLES = 10_000;
export const FAILURE_RATES = [0.005, 0.02, 0.05] as const;
const SEED = 424242;
const CADENCE_S = 60;

export interface FalsePages {
  /** Incidents opened at P1 or P2: the ones that page someone now. */
  urgent: number;
  /** Every incident opened, P3/P4 included (they reach the pager topic too). */
  all: number;
}

export function countFalsePages(engine: Engine, failureRate: number): FalsePages {
  const random = seededRandom(SEED);
  const fails = () => random() < failureRate;
  let state = settledState(engine, CADENCE_S);
  const pages: FalsePages = { urgent: 0, all: 0 };
  for (let index = 0; index < CYCLES; index++) {
    // Drawn in the same order for every engine, whichever requests it actually makes.
    const world = { outage: null, apiAttemptFails: [fails(), fails()], tokenFails: fails() } as const;
    const next = step(engine, state, world, EPOCH_MS + (SETTLING_CYCLES + index) * CADENCE_S * 1000);
    state = next.state;
    if (!next.opened) continue;
    pages.all += 1;
    if (['P1', 'P2'].includes(next.opened.incident.severity)) pages.urgent += 1;
  }
  return pages;
}

export function falsePagesSection(engines: Engines): SectionResult {
  const compared = [
    engines.vendorwatchOpenAfter1,
    engines.vendorwatch,
    engines.vendorwatchOpenAfter3,
    engines.gatus,
    engines.synthetics,
  ];
  const rows = compared.map((engine) => {
    const latency = detectionLatency(engine, 'unacknowledged', CADENCE_S);
    return [
      engine.name,
      ...FAILURE_RATES.map((rate) => {
        const pages = countFalsePages(engine, rate);
        return pages.all === pages.urgent
          ? `${pages.urgent}`
          : `${pages.urgent} (+${pages.all - pages.urgent} P3/P4)`;
      }),
      `${seconds(latency.medianS)} / ${seconds(latency.p95S)}`,
    ];
  });
  return {
    tables: [
      {
        title: `2. False pages in ${CYCLES.toLocaleString('en-US')} cycles of a healthy vendor with transient failures (1 min cadence), and what the hysteresis costs`,
        columns: [
          'monitor',
          ...FAILURE_RATES.map((rate) => `${percent(rate)} of requests fail`),
          `detection median / p95 (${OUTAGE_LABELS.unacknowledged})`,
        ],
        rows,
        notes: [
          'Cells count incidents opened at P1/P2; "(+n P3/P4)" adds those opened at lower severity, which reach the pager topic too (subscribers may filter them out by severity).',
          "Each request to the vendor's API host fails independently with the given probability: vendorwatch's API attempt and its in-cycle retry, and its token introspection; Gatus and the canary make one API request per cycle. Status page and our health endpoint are other hosts and stay up.",
          "Each monitor opens after its threshold of consecutive failing cycles. vendorwatch counts a cycle as failing on any finding, so a P4 from one unretried token-introspection blip next to an API call that failed both attempts can open an incident; the canary's 1-of-1 alarm opens on every failing run that follows a good one.",
          'The last column is the price of each threshold: the same detection model as table 1, for an outage the status page does not acknowledge.',
        ],
      },
    ],
    goals: [],
    regressions: [],
  };
}
