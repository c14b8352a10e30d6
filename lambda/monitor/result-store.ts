import { randomBytes } from 'node:crypto';
import type { StoredResult } from '../core/postmortem.ts';
import { parseResultKey, resultKey, resultPartition, resultsPrefix } from '../core/storage-layout.ts';
import type { ProbeResult } from '../core/vocabulary.ts';
import type { ObjectStore } from '../ports/object-store.ts';

/** Stores one result (one PUT, newline-free JSON) and returns its key. */
export async function storeResult(store: ObjectStore, result: ProbeResult): Promise<string> {
  const key = resultKey(result.vendor, result.startedAt, randomBytes(4).toString('hex'));
  await store.put(key, JSON.stringify(result));
  return key;
}

export async function readResult(store: ObjectStore, key: string): Promise<ProbeResult | null> {
  const stored = await store.get(key);
  return stored ? (JSON.parse(stored.body) as ProbeResult) : null;
}

/**
 * Result keys of one vendor from `fromMs` to `toMs` inclusive, oldest first. Keys sort by time, so the
 * listing starts right at `fromMs` and stops at the first key past `toMs`.
 */
export async function* resultKeysBetween(
  store: ObjectStore,
  vendor: string,
  fromMs: number,
  toMs: number,
): AsyncGenerator<string> {
  const prefix = resultsPrefix(vendor);
  const startAfter = `${prefix}${resultPartition(new Date(fromMs).toISOString())}/${fromMs - 1}`;
  for await (const key of store.list(prefix, startAfter)) {
    const parsed = parseResultKey(key);
    if (!parsed || parsed.epochMs < fromMs) continue;
    if (parsed.epochMs > toMs) return;
    yield key;
  }
}

/** Results of one vendor from `fromMs` to `toMs` inclusive, oldest first. */
export async function readResults(
  store: ObjectStore,
  vendor: string,
  fromMs: number,
  toMs: number,
): Promise<StoredResult[]> {
  const found: StoredResult[] = [];
  for await (const key of resultKeysBetween(store, vendor, fromMs, toMs)) {
    const result = await readResult(store, key);
    if (result) found.push({ key, result });
  }
  return found;
}
