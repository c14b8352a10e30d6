import type { Notification } from '../core/notification.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { ObjectStore } from '../ports/object-store.ts';

/**
 * `outbox/<topic>/<epochMs>-<event>-<incidentId>.json`: one file per message, sorted by time. The key
 * depends only on the notification, so re-publishing after a crash overwrites instead of duplicating.
 */
export function outboxKey(notification: Notification): string {
  const { topic, event } = notification;
  const epochMs = Date.parse(event.at);
  if (Number.isNaN(epochMs))
    throw new RangeError(`notification ${event.dedupKey} has an invalid time: ${event.at}`);
  return `outbox/${topic}/${epochMs}-${event.event}-${event.incidentId}.json`;
}

/** The local notifier: writes what the SNS notifier would publish into the data directory. */
export class OutboxNotifier implements Notifier {
  constructor(private readonly store: ObjectStore) {}

  async publish(notification: Notification): Promise<void> {
    const { topic, subject, text, event, attributes } = notification;
    // Pretty-printed: these files are read by people trying the monitor locally.
    const body = `${JSON.stringify({ topic, subject, text, event, attributes }, null, 2)}\n`;
    await this.store.put(outboxKey(notification), body);
  }
}
