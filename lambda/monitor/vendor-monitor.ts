import { randomUUID } from 'node:crypto';
import { incidentChartFile, incidentChartWindow, renderIncidentChart } from '../analysis/incident-chart.ts';
import type { Config } from '../config/load-config.ts';
import {
  type Incident,
  type IncidentChange,
  initialState,
  nextState,
  type VendorState,
} from '../core/incident-state.ts';
import { render } from '../core/messages.ts';
import type { Notification } from '../core/notification.ts';
import { draftPostmortem } from '../core/postmortem.ts';
import {
  incidentChartKey,
  incidentKey,
  postmortemKey,
  resultsPrefix,
  stateKey,
} from '../core/storage-layout.ts';
import type { ProbeResult } from '../core/vocabulary.ts';
import type { Notifier } from '../ports/notifier.ts';
import { type ObjectStore, PreconditionFailedError, type StoredObject } from '../ports/object-store.ts';
import { readResult, readResults } from './result-store.ts';

/** Work decided but not yet done: written into the state first, so a crash re-does it, never drops it. */
interface OutboxItem {
  incident: Incident;
  notifications: Notification[];
  postmortem: boolean;
}

/** A flusher delivering the outbox; others leave it alone until `until` (it may have crashed). */
interface DeliveryLease {
  by: string;
  until: string;
}

export interface StateDocument {
  state: VendorState;
  outbox: OutboxItem[];
  delivering?: DeliveryLease;
}

export interface MonitorDeps {
  store: ObjectStore;
  notifier: Notifier;
  config: Pick<Config, 'policy' | 'vendors'>;
}

const MAX_CAS_ATTEMPTS = 20;
/**
 * How long a flusher holds the outbox. Longer than the state function's timeout (30 s), so a live
 * flusher is never overtaken; a crashed one's messages go out with the first result after it.
 */
export const DELIVERY_LEASE_MS = 60_000;
/** The postmortem's window starts a little before the first failure, to show the healthy baseline. */
const POSTMORTEM_MARGIN_MS = 10 * 60_000;

export async function readStateDocument(
  store: ObjectStore,
  vendor: string,
): Promise<{ document: StateDocument; etag: string | null }> {
  const stored: StoredObject | null = await store.get(stateKey(vendor));
  if (!stored) return { document: { state: initialState(vendor), outbox: [] }, etag: null };
  return { document: JSON.parse(stored.body) as StateDocument, etag: stored.etag };
}

/** Read, change, compare-and-set; on a lost race read again and re-apply. */
async function updateState(
  store: ObjectStore,
  vendor: string,
  change: (document: StateDocument) => StateDocument | null,
): Promise<StateDocument> {
  for (let attempt = 1; ; attempt++) {
    const { document, etag } = await readStateDocument(store, vendor);
    const next = change(document);
    if (!next) return document;
    try {
      await store.put(
        stateKey(vendor),
        JSON.stringify(next),
        etag ? { ifMatch: etag } : { ifNoneMatch: '*' },
      );
      return next;
    } catch (error) {
      if (!(error instanceof PreconditionFailedError) || attempt === MAX_CAS_ATTEMPTS) throw error;
    }
  }
}

/** Whether the state moved in a way worth a write: not just the newest result's time while all is quiet. */
function worthWriting(before: VendorState, after: VendorState, changes: IncidentChange[]): boolean {
  if (changes.length > 0) return true;
  const quiet = ({ lastResultAt, lastResultKey, ...rest }: VendorState) => JSON.stringify(rest);
  return (
    quiet(before) !== quiet(after) || (after.incident !== null && before.lastResultAt !== after.lastResultAt)
  );
}

function toOutboxItem(change: IncidentChange, deps: MonitorDeps): OutboxItem {
  const vendor = deps.config.vendors.find((candidate) => candidate.id === change.incident.vendor);
  return {
    incident: change.incident,
    notifications: render(change, {
      vendorName: vendor?.name ?? change.incident.vendor,
      reminderMinutes: deps.config.policy.reminderMinutes,
    }),
    postmortem: change.event === 'resolved',
  };
}

export interface Applied {
  changes: IncidentChange[];
  incidentOpen: boolean;
}

/** A quiet vendor: healthy, nothing open, nothing failing. Its state is not rewritten cycle after cycle. */
const isQuiet = (state: VendorState): boolean =>
  state.healthy === true && state.incident === null && state.failStreak === 0;

/**
 * A quiet state does not record each healthy result (no write per cycle), so a failing result
 * delivered late (an S3 event retried minutes after) could pass for news and open an incident after
 * the fact. The first failing result on a quiet state is checked against the next stored result: if
 * that one is newer and healthy, this failure is stale news, kept as evidence and not applied.
 */
async function isStaleFailure(store: ObjectStore, result: ProbeResult, resultKey: string): Promise<boolean> {
  if (result.verdict.severity === null) return false;
  const { document } = await readStateDocument(store, result.vendor);
  if (!isQuiet(document.state)) return false;
  for await (const newerKey of store.list(resultsPrefix(result.vendor), resultKey)) {
    const newer = await readResult(store, newerKey);
    return newer !== null && newer.verdict.severity === null;
  }
  return false;
}

/** Applies one stored result to its vendor's state, then delivers what that decided. */
export async function applyResult(
  deps: MonitorDeps,
  result: ProbeResult,
  resultKey: string,
): Promise<Applied> {
  if (await isStaleFailure(deps.store, result, resultKey)) return { changes: [], incidentOpen: false };
  let decided: IncidentChange[] = [];
  const document = await updateState(deps.store, result.vendor, (document) => {
    const { state, changes } = nextState(document.state, result, resultKey, deps.config.policy);
    decided = changes;
    if (!worthWriting(document.state, state, changes)) return null;
    return {
      ...document,
      state,
      outbox: [...document.outbox, ...changes.map((change) => toOutboxItem(change, deps))],
    };
  });
  // The state just read or written shows whether anything is pending: a quiet cycle reads it once.
  if (document.outbox.length > 0) await flushOutbox(deps, result.vendor);
  return { changes: decided, incidentOpen: document.state.incident !== null };
}

async function project(deps: MonitorDeps, item: OutboxItem): Promise<void> {
  const { incident } = item;
  await deps.store.put(incidentKey(incident.vendor, incident.id), JSON.stringify(incident));
  if (!item.postmortem) return;
  const from = Date.parse(incident.firstFailureAt) - POSTMORTEM_MARGIN_MS;
  const results = await readResults(
    deps.store,
    incident.vendor,
    from,
    Date.parse(incident.resolvedAt ?? incident.openedAt),
  );
  // The chart first, so the draft never links to a picture that is not there.
  const chart = renderIncidentChart(
    results.map(({ result }) => result),
    incidentChartWindow(incident, POSTMORTEM_MARGIN_MS),
  );
  await deps.store.put(incidentChartKey(incident.vendor, incident.id), chart, {
    contentType: 'image/svg+xml',
  });
  const draft = draftPostmortem(incident, results, { chartFile: incidentChartFile(incident.id) });
  await deps.store.put(postmortemKey(incident.vendor, incident.id), draft, { contentType: 'text/markdown' });
}

const itemId = (item: OutboxItem): string => item.notifications[0]?.event.dedupKey ?? item.incident.id;
const sentId = ({ topic, event }: Notification): string => `${topic} ${event.dedupKey}`;

/** Delivers items in order: incident record, postmortem, messages. Stops at the first failure. */
async function deliver(deps: MonitorDeps, outbox: readonly OutboxItem[]) {
  const sent = new Set<string>();
  const finished = new Set<string>();
  for (const item of outbox) {
    try {
      await project(deps, item);
      for (const notification of item.notifications) {
        await deps.notifier.publish(notification);
        sent.add(sentId(notification));
      }
      finished.add(itemId(item));
    } catch (error) {
      return { sent, finished, failure: error };
    }
  }
  return { sent, finished, failure: null };
}

/** The outbox without what was delivered; a half-delivered item keeps only its unsent messages. */
const undelivered = (outbox: readonly OutboxItem[], sent: Set<string>, finished: Set<string>) =>
  outbox.flatMap((item) => {
    if (finished.has(itemId(item))) return [];
    const pending = item.notifications.filter((notification) => !sent.has(sentId(notification)));
    return pending.length === item.notifications.length ? [item] : [{ ...item, notifications: pending }];
  });

const leaseHeldByOther = (document: StateDocument, by: string): boolean =>
  document.delivering !== undefined &&
  document.delivering.by !== by &&
  Date.parse(document.delivering.until) > Date.now();

/**
 * Delivers pending outbox items, then marks them done. The outbox is first claimed with a
 * conditional write, so concurrent flushers (duplicate or overlapping deliveries) never publish the
 * same message twice; a flusher that dies holding the claim only delays its messages until the lease
 * runs out. A failure stops the flush and leaves the rest pending for the next result.
 */
export async function flushOutbox(deps: MonitorDeps, vendor: string): Promise<number> {
  const by = randomUUID();
  let delivered = 0;
  for (;;) {
    const claimed = await updateState(deps.store, vendor, (document) =>
      document.outbox.length === 0 || leaseHeldByOther(document, by)
        ? null
        : { ...document, delivering: { by, until: new Date(Date.now() + DELIVERY_LEASE_MS).toISOString() } },
    );
    if (claimed.delivering?.by !== by) return delivered;
    const { sent, finished, failure } = await deliver(deps, claimed.outbox);
    delivered += finished.size;
    const released = await updateState(deps.store, vendor, ({ delivering, ...current }) => ({
      ...current,
      outbox: undelivered(current.outbox, sent, finished),
      // A flusher that took over after this lease ran out keeps its own.
      ...(delivering && delivering.by !== by ? { delivering } : {}),
    }));
    if (failure) throw failure;
    // Items added while this flusher held the outbox were left to it.
    if (released.outbox.length === 0 || released.delivering) return delivered;
  }
}
