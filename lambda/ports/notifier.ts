import type { Notification } from '../core/notification.ts';

/** Delivers one rendered notification; throws when it could not, so the caller keeps it pending. */
export interface Notifier {
  publish(notification: Notification): Promise<void>;
}
