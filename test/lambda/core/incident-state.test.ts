import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify } from '../../../lambda/core/classify.ts';
import {
  type IncidentChange,
  type IncidentPolicy,
  incidentIdFor,
  initialState,
  nextState,
  type VendorState,
} from '../../../lambda/core/incident-state.ts';
import type { EventName } from '../../../lambda/core/notification.ts';
import { seededRandom } from '../../../lambda/core/seeded-random.ts';
import { resultKey } from '../../../lambda/core/storage-layout.ts';
import {
  type Cause,
  type CheckName,
  type CheckResult,
  type ProbeResult,
  SEVERITIES,
  type Severity,
  type Side,
  type Signal,
} from '../../../lambda/core/vocabulary.ts';

// The config defaults: open after 2 failing cycles, resolve after 3 healthy ones.
const POLICY: IncidentPolicy = { openAfter: 2, resolveAfter: 3, identifyAfter: 2, reminderMinutes: 30 };
const VENDOR = 'miro';
const START = Date.parse('2025-03-01T10:00:00.000Z');

const minute = (n: number): string => new Date(START + n * 60_000).toISOString();
const minuteOf = (iso: string): number => (Date.parse(iso) - START) / 60_000;

interface Failing {
  severity: Severity;
  cause?: Cause;
  side?: Side;
  confirmed?: boolean;
  /** Names of the vendor's own status-page incidents seen in this cycle. */
  vendorIncidents?: string[];
}
type Cycle = 'ok' | Failing;

const ok = 'ok' as const;
const failing = (severity: Severity, more: Omit<Failing, 'severity'> = {}): Failing => ({
  severity,
  ...more,
});
const confirmedP1 = failing('P1', { confirmed: true });

/** A probe result as the state machine reads it: vendor, startedAt, verdict and status-page facts. */
function probeResult(at: number, cycle: Cycle): ProbeResult {
  const statusPage: CheckResult = {
    name: 'status_page',
    outcome: 'pass',
    httpStatus: 200,
    latencyMs: 40,
    detail: 'status page operational',
    signal: 'ok',
    attempts: 1,
    facts: {
      incidents:
        cycle === ok ? [] : (cycle.vendorIncidents ?? []).map((name) => ({ name, status: 'investigating' })),
    },
    evidence: [],
  };
  const verdict =
    cycle === ok
      ? { severity: null, cause: 'ok' as const, side: 'unknown' as const, confirmed: false }
      : {
          severity: cycle.severity,
          cause: cycle.cause ?? 'vendor_errors',
          side: cycle.side ?? 'vendor',
          confirmed: cycle.confirmed ?? false,
        };
  return {
    vendor: VENDOR,
    startedAt: minute(at),
    durationMs: 120,
    checks: [statusPage],
    verdict: { ...verdict, summary: `summary at minute ${at}`, action: `action at minute ${at}` },
  };
}

const keyOf = (result: ProbeResult): string => resultKey(result.vendor, result.startedAt, 'r');

interface Run {
  state: VendorState;
  changes: IncidentChange[];
}

/** Feeds results to nextState in the given order, as the state Lambda would receive them. */
function apply(results: readonly ProbeResult[], policy = POLICY, from = initialState(VENDOR)): Run {
  const changes: IncidentChange[] = [];
  let state = from;
  for (const result of results) {
    const step = nextState(state, result, keyOf(result), policy);
    state = step.state;
    changes.push(...step.changes);
  }
  return { state, changes };
}

/** One result a minute, from minute 0. */
const results = (cycles: readonly Cycle[]): ProbeResult[] =>
  cycles.map((cycle, index) => probeResult(index, cycle));

const run = (cycles: readonly Cycle[], policy = POLICY): Run => apply(results(cycles), policy);
const times = (count: number, cycle: Cycle): Cycle[] => Array.from({ length: count }, () => cycle);

/** `[minute, event]` for each change, the shape of the incident's story. */
const story = (changes: readonly IncidentChange[]): [number, EventName][] =>
  changes.map((change) => [minuteOf(change.at), change.event]);
const minutesOf = (changes: readonly IncidentChange[], event: EventName): number[] =>
  changes.filter((change) => change.event === event).map((change) => minuteOf(change.at));

describe('nextState: when an incident opens', () => {
  it('opens after openAfter consecutive failing cycles, not before', () => {
    const one = run([failing('P2')]);
    const two = run([failing('P2'), failing('P2', { cause: 'high_latency', side: 'unknown' })]);

    expect(one.changes).toEqual([]);
    expect(one.state.incident).toBeNull();
    expect(story(two.changes)).toEqual([[1, 'opened']]);
    expect(two.state.incident).toMatchObject({
      id: incidentIdFor(VENDOR, minute(1)),
      vendor: VENDOR,
      status: 'INVESTIGATING',
      severity: 'P2',
      cause: 'high_latency',
      side: 'unknown',
      firstFailureAt: minute(0),
      openedAt: minute(1),
      resolvedAt: null,
    });
  });

  it('starts counting again after a healthy cycle', () => {
    const { changes, state } = run([failing('P2'), ok, failing('P2'), ok, failing('P2')]);

    expect(changes).toEqual([]);
    expect(state.incident).toBeNull();
  });

  it('opens at once on a P1 confirmed by the in-cycle retry', () => {
    const { changes, state } = run([confirmedP1]);

    expect(story(changes)).toEqual([[0, 'opened']]);
    expect(state.incident).toMatchObject({ severity: 'P1', status: 'INVESTIGATING', openedAt: minute(0) });
  });

  it('makes an unconfirmed P1 wait for openAfter cycles like any other finding', () => {
    const one = run([failing('P1')]);
    const two = run([failing('P1'), failing('P1')]);

    expect(one.changes).toEqual([]);
    expect(story(two.changes)).toEqual([[1, 'opened']]);
  });

  it('names the incident after its vendor and the UTC second it opened', () => {
    expect(incidentIdFor('miro', '2025-03-01T10:04:05.678Z')).toBe('miro-20250301T100405Z');
  });
});

describe('nextState: the lifecycle INVESTIGATING → IDENTIFIED → MONITORING → RESOLVED', () => {
  it('is IDENTIFIED once one cause has held identifyAfter cycles; a new cause restarts the count', () => {
    const policy = { ...POLICY, identifyAfter: 3 };
    const steady = run(times(4, confirmedP1), policy);
    const shifting = run(
      [confirmedP1, ...times(4, failing('P1', { cause: 'vendor_outage', vendorIncidents: ['API errors'] }))],
      policy,
    );

    expect(story(steady.changes)).toEqual([
      [0, 'opened'],
      [2, 'identified'],
    ]);
    expect(story(shifting.changes)).toEqual([
      [0, 'opened'],
      [3, 'identified'],
    ]);
    expect(shifting.state.incident).toMatchObject({
      status: 'IDENTIFIED',
      cause: 'vendor_outage',
      identifiedAt: minute(3),
    });
  });

  it('goes MONITORING on the first healthy cycle and RESOLVED after resolveAfter healthy cycles', () => {
    const { changes, state } = run([confirmedP1, ok, ok, ok, ok]);

    expect(story(changes)).toEqual([
      [0, 'opened'],
      [1, 'monitoring'],
      [3, 'resolved'],
    ]);
    expect(changes.at(-1)!.incident).toMatchObject({
      status: 'RESOLVED',
      monitoringAt: minute(1),
      resolvedAt: minute(3),
    });
    expect(state.incident).toBeNull();
  });

  it('stays open while fewer than resolveAfter healthy cycles have passed', () => {
    const { state } = run([confirmedP1, ok, ok]);

    expect(state.incident).toMatchObject({ status: 'MONITORING', resolvedAt: null });
  });

  it('keeps the same incident through a flap inside the resolve window: MONITORING → IDENTIFIED → MONITORING', () => {
    const { changes, state } = run([confirmedP1, ok, failing('P1'), ok, ok, ok]);

    expect(story(changes)).toEqual([
      [0, 'opened'],
      [1, 'monitoring'],
      [2, 'identified'],
      [3, 'monitoring'],
      [5, 'resolved'],
    ]);
    expect(new Set(changes.map((change) => change.incident.id))).toEqual(
      new Set([incidentIdFor(VENDOR, minute(0))]),
    );
    expect(changes[2]!.incident.status).toBe('IDENTIFIED');
    expect(state.incident).toBeNull();
  });

  it('opens a new incident with a new id when failures return after RESOLVED', () => {
    const { changes, state } = run([confirmedP1, ok, ok, ok, failing('P2'), failing('P2')]);

    const opened = changes.filter((change) => change.event === 'opened');
    expect(story(opened)).toEqual([
      [0, 'opened'],
      [5, 'opened'],
    ]);
    expect(opened[1]!.incident.id).not.toBe(opened[0]!.incident.id);
    expect(state.incident).toMatchObject({
      id: incidentIdFor(VENDOR, minute(5)),
      status: 'INVESTIGATING',
      severity: 'P2',
      firstFailureAt: minute(4),
    });
  });

  it("collects the vendor's own status-page incident names while open, each once", () => {
    const { state } = run([
      failing('P1', { vendorIncidents: ['Elevated API errors'] }),
      failing('P1', { vendorIncidents: ['Elevated API errors'] }),
      failing('P1', { vendorIncidents: ['Elevated API errors', 'Login failures'] }),
    ]);

    expect(state.incident!.vendorIncidents).toEqual(['Elevated API errors', 'Login failures']);
  });
});

describe('nextState: severity moves inside one incident', () => {
  it('escalates at once when a cycle is worse: P2 → P1', () => {
    const { changes, state } = run([failing('P2'), failing('P2'), failing('P1')]);

    const escalated = changes.find((change) => change.event === 'escalated');
    expect(escalated).toMatchObject({ at: minute(2), previousSeverity: 'P2' });
    expect(state.incident).toMatchObject({ severity: 'P1', peakSeverity: 'P1' });
  });

  it('de-escalates only after openAfter milder cycles, to the worst of them', () => {
    const { changes, state } = run([confirmedP1, failing('P3'), failing('P2'), failing('P2')]);

    const deescalated = changes.filter((change) => change.event === 'deescalated');
    expect(deescalated).toHaveLength(1);
    expect(deescalated[0]).toMatchObject({ at: minute(2), previousSeverity: 'P1' });
    expect(state.incident).toMatchObject({ severity: 'P2', peakSeverity: 'P1' });
  });

  it('does not de-escalate when a milder run is broken by a cycle at the incident severity', () => {
    const { changes, state } = run([confirmedP1, failing('P3'), failing('P1'), failing('P3'), failing('P1')]);

    expect(minutesOf(changes, 'deescalated')).toEqual([]);
    expect(state.incident!.severity).toBe('P1');
  });
});

describe('nextState: reminders', () => {
  // Identification would be news too; keep it out of these runs so reminders are the only news.
  const quiet = { ...POLICY, openAfter: 1, identifyAfter: 60, reminderMinutes: 10 };

  it.each(['P1', 'P2'] as const)(
    'reminds on-call every reminderMinutes while a %s stays open',
    (severity) => {
      const { changes } = run(times(25, failing(severity)), quiet);

      expect(minutesOf(changes, 'reminder')).toEqual([10, 20]);
    },
  );

  it.each(['P3', 'P4'] as const)('never reminds about a %s incident', (severity) => {
    const { changes, state } = run(times(25, failing(severity)), quiet);

    expect(minutesOf(changes, 'reminder')).toEqual([]);
    expect(state.incident!.severity).toBe(severity);
  });

  it('counts from the latest message: a P3 escalated to P1 is reminded reminderMinutes after the escalation', () => {
    const { changes } = run([...times(15, failing('P3')), ...times(15, failing('P1'))], quiet);

    expect(minutesOf(changes, 'escalated')).toEqual([15]);
    expect(minutesOf(changes, 'reminder')).toEqual([25]);
  });

  it('stops reminding once the incident recovers into MONITORING', () => {
    const { changes } = run([...times(15, failing('P1')), ...times(15, ok)], { ...quiet, resolveAfter: 60 });

    expect(minutesOf(changes, 'reminder')).toEqual([10]);
  });
});

describe('nextState: duplicate and out-of-order results', () => {
  const history = results([failing('P2'), failing('P2'), failing('P1'), ok]);
  const after = apply(history);

  it('returns the identical state and no changes for a duplicate of the latest result', () => {
    const latest = history.at(-1)!;

    const step = nextState(after.state, latest, keyOf(latest), POLICY);

    expect(step.state).toBe(after.state);
    expect(step.changes).toEqual([]);
  });

  it.each(history.slice(0, -1).map((result, index) => [index, result] as const))(
    'returns the identical state and no changes for the older result of minute %i',
    (_minute, older) => {
      const step = nextState(after.state, older, keyOf(older), POLICY);

      expect(step.state).toBe(after.state);
      expect(step.changes).toEqual([]);
    },
  );

  it('does not modify the state it was given', () => {
    const before = structuredClone(after.state);

    nextState(after.state, probeResult(10, confirmedP1), 'k', POLICY);

    expect(after.state).toEqual(before);
  });
});

describe('nextState: a steady healthy vendor', () => {
  it.each([
    ['from the first result on record', [] as Cycle[]],
    ['after an incident resolved', [confirmedP1, ok]],
  ])('is a fixed point %s: only lastResultAt and lastResultKey move', (_when, prefix) => {
    const settled = run([...prefix, ...times(POLICY.resolveAfter, ok)]);
    const next = probeResult(prefix.length + POLICY.resolveAfter, ok);

    const step = nextState(settled.state, next, keyOf(next), POLICY);

    expect(step.changes).toEqual([]);
    expect(step.state).toEqual({
      ...settled.state,
      lastResultAt: next.startedAt,
      lastResultKey: keyOf(next),
    });
    expect(step.state).toMatchObject({ healthy: true, incident: null, failStreak: 0 });
  });
});

describe('nextState: what the status page hears (external)', () => {
  const external = (changes: readonly IncidentChange[]): EventName[] =>
    changes.filter((change) => change.external).map((change) => change.event);

  it.each(['P1', 'P2'] as const)(
    'hears a %s open, then identified, monitoring and resolved; never reminders',
    (severity) => {
      const { changes } = run([...times(40, failing(severity)), ok, ok, ok], {
        ...POLICY,
        reminderMinutes: 15,
      });

      expect(changes.map((change) => change.event)).toEqual(
        expect.arrayContaining(['opened', 'identified', 'reminder', 'monitoring', 'resolved']),
      );
      expect(external(changes)).toEqual(['opened', 'identified', 'monitoring', 'resolved']);
    },
  );

  it.each(['P3', 'P4'] as const)('hears nothing about an incident that stayed %s', (severity) => {
    const { changes } = run([...times(5, failing(severity)), ok, ok, ok]);

    expect(changes.map((change) => change.event)).toEqual(['opened', 'identified', 'monitoring', 'resolved']);
    expect(external(changes)).toEqual([]);
  });

  it('hears the escalation of an incident that became user-facing, and then how it ends', () => {
    const { changes } = run([
      failing('P3'),
      failing('P3'),
      failing('P1'),
      failing('P3'),
      failing('P3'),
      ok,
      ok,
      ok,
    ]);

    expect(external(changes)).toEqual(['escalated', 'identified', 'monitoring', 'resolved']);
  });

  it('hears a flap: failing again after "monitoring" is told, so the page never says fixed while it is not', () => {
    const { changes } = run([confirmedP1, ok, failing('P1'), ok, ok, ok]);

    expect(external(changes)).toEqual(['opened', 'monitoring', 'identified', 'monitoring', 'resolved']);
  });
});

describe('nextState: dedupKeys', () => {
  it('gives every change a dedupKey unique across events and incidents', () => {
    const { changes } = run([
      confirmedP1,
      ok,
      failing('P2'),
      failing('P1'),
      ...times(40, failing('P1')),
      ok,
      ok,
      ok,
      failing('P2'),
      failing('P2'),
      ok,
      ok,
      ok,
    ]);

    const keys = changes.map((change) => change.dedupKey);
    expect(changes.filter((change) => change.event === 'opened')).toHaveLength(2);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

// ---- properties: the state machine over random result sequences ----

const PROPERTY_RUNS = { seed: 20250301, numRuns: 200 };

const policyArb: fc.Arbitrary<IncidentPolicy> = fc.record({
  openAfter: fc.integer({ min: 1, max: 3 }),
  resolveAfter: fc.integer({ min: 1, max: 4 }),
  identifyAfter: fc.integer({ min: 1, max: 3 }),
  reminderMinutes: fc.integer({ min: 1, max: 15 }),
});

const failingArb: fc.Arbitrary<Cycle> = fc.record({
  severity: fc.constantFrom(...SEVERITIES),
  cause: fc.constantFrom<Cause>(
    'vendor_outage',
    'vendor_errors',
    'rate_limited',
    'not_found',
    'monitoring_gap',
  ),
  confirmed: fc.boolean(),
});

/** Runs of healthy or failing cycles with gaps of 1–3 minutes, so incidents open, flap and resolve. */
const historyArb: fc.Arbitrary<ProbeResult[]> = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constant<Cycle>(ok), failingArb),
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 1, max: 3 }),
    ),
    { maxLength: 30 },
  )
  .map((runs) => {
    let at = 0;
    return runs.flatMap(([cycle, length, gap]) =>
      Array.from({ length }, () => {
        at += gap;
        return probeResult(at, cycle);
      }),
    );
  });

const healthyTail = (history: readonly ProbeResult[], length: number): ProbeResult[] => {
  const last = history.length === 0 ? 0 : minuteOf(history.at(-1)!.startedAt);
  return Array.from({ length }, (_, index) => probeResult(last + 1 + index, ok));
};

describe('nextState properties', () => {
  it('keeps at most one incident open: each opened is resolved before the next, and consecutive ids differ', () => {
    fc.assert(
      fc.property(policyArb, historyArb, (policy, history) => {
        const { state, changes } = apply(history, policy);

        let open: string | null = null;
        const ids: string[] = [];
        for (const change of changes) {
          if (change.event === 'opened') {
            expect(open).toBeNull();
            open = change.incident.id;
            ids.push(open);
          } else {
            expect(change.incident.id).toBe(open);
            if (change.event === 'resolved') open = null;
          }
        }
        expect(state.incident?.id ?? null).toBe(open);
        expect(ids.every((id, index) => index === 0 || id !== ids[index - 1])).toBe(true);
      }),
      PROPERTY_RUNS,
    );
  });

  it('resolves every incident that sees a healthy tail of at least resolveAfter cycles', () => {
    fc.assert(
      fc.property(policyArb, historyArb, fc.integer({ min: 0, max: 3 }), (policy, history, extra) => {
        const { state, changes } = apply(
          [...history, ...healthyTail(history, policy.resolveAfter + extra)],
          policy,
        );

        const opened = changes
          .filter((change) => change.event === 'opened')
          .map((change) => change.incident.id);
        const resolved = changes.filter((change) => change.event === 'resolved');
        expect(state.incident).toBeNull();
        expect(resolved.map((change) => change.incident.id)).toEqual(opened);
        expect(resolved.every((change) => change.incident.status === 'RESOLVED')).toBe(true);
      }),
      PROPERTY_RUNS,
    );
  });

  it('emits each event once, and replaying the sequence or a shuffled older subset afterwards emits nothing', () => {
    const withReplay = historyArb.chain((history) =>
      fc.tuple(fc.constant(history), fc.shuffledSubarray(history)),
    );
    fc.assert(
      fc.property(policyArb, withReplay, (policy, [history, stragglers]) => {
        const first = apply(history, policy);

        const replayed = apply([...history, ...stragglers], policy, first.state);

        const keys = first.changes.map((change) => change.dedupKey);
        expect(new Set(keys).size).toBe(keys.length);
        expect(replayed.changes).toEqual([]);
        expect(replayed.state).toBe(first.state);
      }),
      PROPERTY_RUNS,
    );
  });

  it('decides the same whether each result arrives once in order or with duplicates and late stragglers', () => {
    const deliveries = historyArb.chain((history) =>
      fc.tuple(
        fc.constant(history),
        fc.array(fc.nat(), { minLength: history.length, maxLength: history.length }),
        fc.array(fc.boolean(), { minLength: history.length, maxLength: history.length }),
      ),
    );
    fc.assert(
      fc.property(policyArb, deliveries, (policy, [history, picks, redeliver]) => {
        // After result i, maybe deliver again a result j ≤ i (a duplicate or an older straggler).
        const messy = history.flatMap((result, index) =>
          redeliver[index] ? [result, history[picks[index]! % (index + 1)]!] : [result],
        );

        expect(apply(messy, policy)).toEqual(apply(history, policy));
      }),
      PROPERTY_RUNS,
    );
  });
});

describe('nextState after classify: a vendor failing 2 % of API attempts at random', () => {
  /** One cycle's checks; the api check retries a failed attempt once inside the cycle, as the probe does. */
  function cycleChecks(firstFails: boolean, retryFails: boolean, failure: Signal): CheckResult[] {
    const check = (name: CheckName, signal: Signal, attempts: number): CheckResult => ({
      name,
      outcome: signal === 'ok' ? 'pass' : 'fail',
      httpStatus: null,
      latencyMs: 80,
      detail: `${name} ${signal}`,
      signal,
      attempts,
      evidence: [],
    });
    const api = !firstFails
      ? check('api', 'ok', 1)
      : retryFails
        ? check('api', failure, 2)
        : check('api', 'ok', 2);
    return [check('status_page', 'ok', 1), api];
  }

  /** 10,000 one-minute cycles in which each API attempt fails independently with probability 2 %. */
  function randomlyFlakyVendor(failure: Signal): { history: ProbeResult[]; failingMinutes: number[] } {
    const random = seededRandom(2025);
    const history: ProbeResult[] = [];
    const failingMinutes: number[] = [];
    for (let cycle = 0; cycle < 10_000; cycle++) {
      const firstFails = random() < 0.02;
      const retryFails = firstFails && random() < 0.02;
      if (retryFails) failingMinutes.push(cycle);
      const checks = cycleChecks(firstFails, retryFails, failure);
      const verdict = classify(checks, { authKind: 'token' });
      history.push({ vendor: VENDOR, startedAt: minute(cycle), durationMs: 100, checks, verdict });
    }
    return { history, failingMinutes };
  }

  it('opens no incident over 10,000 cycles when the rare failing cycle is not P1: one cycle is below openAfter', () => {
    // An unreadable body on both attempts is a P2 (bad_response): unconfirmed, so it needs openAfter cycles.
    const { history, failingMinutes } = randomlyFlakyVendor('bad_response');

    const { state, changes } = apply(history);

    expect(failingMinutes.length).toBeGreaterThan(0);
    expect(changes).toEqual([]);
    expect(state.incident).toBeNull();
  });

  it('opens no incident over 10,000 cycles when the rare double failure is a 5xx on a green status page', () => {
    // Two attempts 2 s apart both failing is still a blip when the vendor acknowledges nothing: it waits openAfter.
    const { history, failingMinutes } = randomlyFlakyVendor('server_error');

    const { state, changes } = apply(history);

    expect(failingMinutes.length).toBeGreaterThan(0);
    expect(changes).toEqual([]);
    expect(state.incident).toBeNull();
  });

  it('opens at once for a 401 on both attempts: a vendor does not say that by accident', () => {
    const { history, failingMinutes } = randomlyFlakyVendor('unauthorized');

    const { state, changes } = apply(history);

    expect(minutesOf(changes, 'opened')).toEqual(failingMinutes);
    expect(minutesOf(changes, 'resolved')).toEqual(failingMinutes.map((at) => at + POLICY.resolveAfter));
    expect(state.incident).toBeNull();
  });
});
