import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileObjectStore } from '../../../lambda/adapters/file-object-store.ts';
import { HEALTHY_VERDICT } from '../../../lambda/core/classify.ts';
import type { Notification } from '../../../lambda/core/notification.ts';
import type { ProbeResult, Verdict } from '../../../lambda/core/vocabulary.ts';
import { storeResult } from '../../../lambda/monitor/result-store.ts';
import { applyResult } from '../../../lambda/monitor/vendor-monitor.ts';

const CONFIRMED_OUTAGE: Verdict = {
  severity: 'P1',
  cause: 'vendor_errors',
  side: 'vendor',
  summary: 'vendor errors: HTTP 503 on every attempt',
  action: 'Enable graceful degradation.',
  confirmed: true,
};
const POLICY = {
  openAfter: 2,
  resolveAfter: 3,
  identifyAfter: 2,
  latencyMsDegraded: 2000,
  reminderMinutes: 30,
};
const START = Date.UTC(2026, 10, 23, 14, 0);

function monitor() {
  const store = new FileObjectStore(mkdtempSync(join(tmpdir(), 'vendorwatch-late-')));
  const published: Notification[] = [];
  const deps = {
    store,
    notifier: { publish: async (n: Notification) => void published.push(n) },
    config: { policy: POLICY, vendors: [] },
  };
  const store1 = async (minute: number, verdict: Verdict) => {
    const result: ProbeResult = {
      vendor: 'miro',
      startedAt: new Date(START + minute * 60_000).toISOString(),
      durationMs: 30,
      checks: [],
      verdict: { ...verdict },
    };
    return { result, key: await storeResult(store, result) };
  };
  return { deps, published, store: store1 };
}

describe('applyResult: results delivered late', () => {
  it('a confirmed failure delivered after newer healthy results of a quiet vendor opens nothing', async () => {
    const { deps, published, store } = monitor();
    const healthy = [
      await store(0, HEALTHY_VERDICT),
      await store(1, HEALTHY_VERDICT),
      await store(2, HEALTHY_VERDICT),
    ];
    const late = await store(3, CONFIRMED_OUTAGE);
    const after = [await store(4, HEALTHY_VERDICT), await store(5, HEALTHY_VERDICT)];
    for (const { result, key } of [...healthy, ...after]) await applyResult(deps, result, key);

    const applied = await applyResult(deps, late.result, late.key);

    expect(applied.changes).toEqual([]);
    expect(published).toEqual([]);
  });

  it('the same failure delivered on time opens at once', async () => {
    const { deps, published, store } = monitor();
    for (const minute of [0, 1, 2]) {
      const { result, key } = await store(minute, HEALTHY_VERDICT);
      await applyResult(deps, result, key);
    }
    const onTime = await store(3, CONFIRMED_OUTAGE);

    const applied = await applyResult(deps, onTime.result, onTime.key);

    expect(applied.changes.map((change) => change.event)).toEqual(['opened']);
    expect(published.map((notification) => notification.event.event)).toContain('opened');
  });

  it('a failure followed by a newer failure still counts: only healthier news makes it stale', async () => {
    const { deps, store } = monitor();
    for (const minute of [0, 1, 2]) {
      const { result, key } = await store(minute, HEALTHY_VERDICT);
      await applyResult(deps, result, key);
    }
    const unconfirmed = { ...CONFIRMED_OUTAGE, confirmed: false };
    const first = await store(3, unconfirmed);
    const second = await store(4, unconfirmed);

    await applyResult(deps, first.result, first.key);
    const applied = await applyResult(deps, second.result, second.key);

    // openAfter is 2: the second failure opens only because the first one was counted.
    expect(applied.changes.map((change) => change.event)).toEqual(['opened']);
  });
});
