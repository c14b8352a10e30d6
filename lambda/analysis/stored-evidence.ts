import type { Incident } from '../core/incident-state.ts';
import { incidentsPrefix, resultsPrefix } from '../core/storage-layout.ts';
import type { ProbeResult } from '../core/vocabulary.ts';
import { resultKeysBetween } from '../monitor/result-store.ts';
import type { ObjectStore } from '../ports/object-store.ts';

/**
 * Reading stored results and incidents in bulk through the ObjectStore port, so the same code
 * serves a local data directory and an S3 bucket (where each GET is a round trip, hence the
 * concurrency).
 */

const RESULTS_ROOT = 'results/';
const VENDOR_OF_KEY = /^results\/vendor=([^/]+)\//;
/** Sorts after every key under a prefix (keys are ASCII). */
const PAST_PREFIX = '\uffff';
const GETS_IN_FLIGHT = 32;

/**
 * The vendors that have results, each found with one short listing that starts past the previous
 * vendor's keys, so no vendor's results are listed just to learn its name.
 */
export async function vendorsWithResults(store: ObjectStore): Promise<string[]> {
  const vendors: string[] = [];
  let after: string | undefined;
  for (;;) {
    let next: string | undefined;
    for await (const key of store.list(RESULTS_ROOT, after)) {
      next = key;
      break;
    }
    if (next === undefined) return vendors;
    const vendor = VENDOR_OF_KEY.exec(next)?.[1];
    if (vendor) vendors.push(vendor);
    after = vendor ? `${resultsPrefix(vendor)}${PAST_PREFIX}` : next;
  }
}

async function* keysOfVendors(store: ObjectStore, vendors: readonly string[], fromMs: number, toMs: number) {
  for (const vendor of vendors) yield* resultKeysBetween(store, vendor, fromMs, toMs);
}

/** Runs `work` on every item, at most `limit` at a time; an async generator hands items out in turn. */
async function forEachConcurrently<T>(
  items: AsyncIterable<T>,
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const iterator = items[Symbol.asyncIterator]();
  const worker = async () => {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) await work(next.value);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

/**
 * Hands every stored result of `vendors` started in the window to `visit` (in no particular order)
 * and returns how many there were.
 */
export async function forEachStoredResult(
  store: ObjectStore,
  window: { vendors: readonly string[]; fromMs: number; toMs: number },
  visit: (result: ProbeResult) => void,
): Promise<number> {
  let count = 0;
  await forEachConcurrently(
    keysOfVendors(store, window.vendors, window.fromMs, window.toMs),
    GETS_IN_FLIGHT,
    async (key) => {
      const stored = await store.get(key);
      if (!stored) return; // expired between the listing and the read
      visit(JSON.parse(stored.body) as ProbeResult);
      count += 1;
    },
  );
  return count;
}

/** Every stored incident record, of one vendor or of all. */
export async function storedIncidents(store: ObjectStore, vendor?: string): Promise<Incident[]> {
  const incidents: Incident[] = [];
  await forEachConcurrently(store.list(incidentsPrefix(vendor)), GETS_IN_FLIGHT, async (key) => {
    if (!key.endsWith('.json')) return;
    const stored = await store.get(key);
    if (stored) incidents.push(JSON.parse(stored.body) as Incident);
  });
  return incidents;
}
