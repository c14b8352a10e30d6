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
import { incidentKey, postmortemKey, stateKey } from '../core/storage-layout.ts';
import type { ProbeResult } from '../core/vocabulary.ts';
import type { Notifier } from '../ports/notifier.ts';
import { type ObjectStore, PreconditionFailedError, type StoredObject } from '../ports/object-store.ts';
import { readResults } from './result-store.ts';

/** Work decided but not yet done: written into the state first, so a crash re-does it, never drops it. */
interface OutboxItem {
  incident: Incident;
  notifications: Notification[];
  postmortem: boolean;
}

export interface StateDocument {
  state: VendorState;
  outbox: OutboxItem[];
}

export interface MonitorDeps {
  store: ObjectStore;
  notifier: Notifier;
  config: Pick<Config, 'policy' | 'vendors'>;
}

const MAX_CAS_ATTEMPTS = 20;
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

/** Applies one stored result to its vendor's state, then delivers what that decided. */
export async function applyResult(
  deps: MonitorDeps,
  result: ProbeResult,
  resultKey: string,
): Promise<Applied> {
  let decided: IncidentChange[] = [];
  const document = await updateState(deps.store, result.vendor, (document) => {
    const { state, changes } = nextState(document.state, result, resultKey, deps.config.policy);
    decided = changes;
    if (!worthWriting(document.state, state, changes)) return null;
    return { state, outbox: [...document.outbox, ...changes.map((change) => toOutboxItem(change, deps))] };
  });
  await flushOutbox(deps, result.vendor);
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
  await deps.store.put(postmortemKey(incident.vendor, incident.id), draftPostmortem(incident, results), {
    contentType: 'text/markdown',
  });
}

const itemId = (item: OutboxItem): string => item.notifications[0]?.event.dedupKey ?? item.incident.id;

/**
 * Delivers pending outbox items in order: incident record, postmortem, messages; then marks them
 * done. A failure stops the flush and leaves the rest pending for the next result.
 */
export async function flushOutbox(deps: MonitorDeps, vendor: string): Promise<number> {
  const { document } = await readStateDocument(deps.store, vendor);
  const done = new Set<string>();
  let failure: unknown = null;
  for (const item of document.outbox) {
    try {
      await project(deps, item);
      for (const notification of item.notifications) await deps.notifier.publish(notification);
      done.add(itemId(item));
    } catch (error) {
      failure = error;
      break;
    }
  }
  if (done.size > 0) {
    await updateState(deps.store, vendor, (current) => ({
      ...current,
      outbox: current.outbox.filter((item) => !done.has(itemId(item))),
    }));
  }
  if (failure) throw failure;
  return done.size;
}
