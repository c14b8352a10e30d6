import { type Config, parseConfig } from '../../../lambda/config/load-config.ts';
import { HEALTHY_VERDICT } from '../../../lambda/core/classify.ts';
import { initialState, nextState, type VendorState } from '../../../lambda/core/incident-state.ts';
import { render } from '../../../lambda/core/messages.ts';
import type { Topic } from '../../../lambda/core/notification.ts';
import type { ProbeResult } from '../../../lambda/core/vocabulary.ts';
import {
  type ObjectStore,
  PreconditionFailedError,
  type PutOptions,
} from '../../../lambda/ports/object-store.ts';

/** A config for monitor-level tests: generic vendors (nothing is probed), the given policy. */
export function monitorConfig(vendorIds: string[], policy: Record<string, number> = {}): Config {
  const vendors = vendorIds.map((id) => ({
    id,
    profile: 'generic',
    statusPage: 'https://status.example.com',
  }));
  return parseConfig(JSON.stringify({ vendors, policy }), 'reliability.config.json');
}

const T0 = Date.parse('2025-06-01T12:00:00.000Z');

/** A probe result at minute `minute`: a confirmed P1 (opens at once) or healthy. */
export function resultAt(
  vendor: string,
  minute: number,
  failing: boolean,
  summary = 'HTTP 401',
): ProbeResult {
  return {
    vendor,
    startedAt: new Date(T0 + minute * 60_000).toISOString(),
    durationMs: 100,
    checks: [],
    verdict: failing
      ? {
          severity: 'P1',
          cause: 'auth_expired',
          side: 'ours',
          summary: `Token rejected: ${summary}`,
          action: 'Refresh the token.',
          confirmed: true,
        }
      : HEALTHY_VERDICT,
  };
}

/** `topic dedupKey`: what a subscriber deduplicates on. */
export const deliveryKey = (topic: Topic, dedupKey: string): string => `${topic} ${dedupKey}`;

/**
 * Whether the stored state changes: as DESIGN.md has it, state is written on change, and a quiet
 * vendor's state is a fixed point (no write for each healthy cycle, so its lastResultAt stays put).
 */
function written(before: VendorState, after: VendorState, changed: boolean): boolean {
  const quiet = ({ lastResultAt, lastResultKey, ...rest }: VendorState) => JSON.stringify(rest);
  return (
    changed ||
    quiet(before) !== quiet(after) ||
    (after.incident !== null && before.lastResultAt !== after.lastResultAt)
  );
}

/** The stored state and the (topic, dedupKey) deliveries that applying these results one at a time gives. */
export function sequentialReplay(
  config: Config,
  deliveries: readonly { result: ProbeResult; key: string }[],
): { state: VendorState; deliveries: string[] } {
  let state = initialState(deliveries[0]!.result.vendor);
  const sent: string[] = [];
  for (const { result, key } of deliveries) {
    const step = nextState(state, result, key, config.policy);
    if (!written(state, step.state, step.changes.length > 0)) continue;
    state = step.state;
    for (const change of step.changes) {
      const options = { vendorName: change.incident.vendor, reminderMinutes: config.policy.reminderMinutes };
      for (const notification of render(change, options))
        sent.push(deliveryKey(notification.topic, notification.event.dedupKey));
    }
  }
  return { state, deliveries: sent };
}

/** Counts occurrences of each value. */
export function tally(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/**
 * Watches a store: every committed state document in commit order, and every lost conditional
 * write (412 from S3, or a lost compare-and-set locally).
 */
export class WatchedStore implements ObjectStore {
  readonly stateCommits: VendorState[] = [];
  lostRaces = 0;

  constructor(private readonly inner: ObjectStore) {}

  get(key: string) {
    return this.inner.get(key);
  }

  list(prefix: string, startAfter?: string) {
    return this.inner.list(prefix, startAfter);
  }

  async put(key: string, body: string, options?: PutOptions) {
    try {
      const written = await this.inner.put(key, body, options);
      if (key.startsWith('state/')) this.stateCommits.push(JSON.parse(body).state);
      return written;
    } catch (error) {
      if (error instanceof PreconditionFailedError) this.lostRaces += 1;
      throw error;
    }
  }
}
