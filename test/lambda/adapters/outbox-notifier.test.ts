import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileObjectStore } from '../../../lambda/adapters/file-object-store.ts';
import { OutboxNotifier } from '../../../lambda/adapters/outbox-notifier.ts';
import type { Notification } from '../../../lambda/core/notification.ts';

const resolvedNotification: Notification = {
  topic: 'pager',
  subject: '[P1] miro vendor_outage RESOLVED',
  text: 'P1 INCIDENT: miro integration (resolved)\nStatus: RESOLVED',
  event: {
    event: 'resolved',
    vendor: 'miro',
    incidentId: 'miro-20261123T0900Z',
    severity: 'P1',
    previousSeverity: null,
    cause: 'vendor_outage',
    side: 'vendor',
    status: 'RESOLVED',
    at: '2026-11-23T10:15:00.000Z',
    openedAt: '2026-11-23T09:00:00.000Z',
    resolvedAt: '2026-11-23T10:15:00.000Z',
    summary: 'Miro API answers 503 on every attempt; status page says major outage',
    action: 'Review the postmortem draft',
    evidenceKey: 'results/vendor=miro/date=2026-11-23/hour=10/1795428900000-a1.json',
    dedupKey: 'miro-20261123T0900Z:resolved:2026-11-23T10:15:00.000Z',
  },
  attributes: {
    vendor: 'miro',
    severity: 'P1',
    status: 'RESOLVED',
    event: 'resolved',
    incidentId: 'miro-20261123T0900Z',
    dedupKey: 'miro-20261123T0900Z:resolved:2026-11-23T10:15:00.000Z',
  },
};

describe('OutboxNotifier', () => {
  let dataDir: string;
  let outbox: OutboxNotifier;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vendorwatch-outbox-'));
    outbox = new OutboxNotifier(new FileObjectStore(dataDir));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('writes what SNS would get to outbox/<topic>/<epochMs>-<event>-<incidentId>.json', async () => {
    // Act
    await outbox.publish(resolvedNotification);

    // Assess
    const file = join(
      dataDir,
      'outbox',
      'pager',
      `${Date.parse('2026-11-23T10:15:00.000Z')}-resolved-miro-20261123T0900Z.json`,
    );
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      topic: 'pager',
      subject: resolvedNotification.subject,
      text: resolvedNotification.text,
      event: resolvedNotification.event,
      attributes: resolvedNotification.attributes,
    });
  });

  it('keeps one file when the same notification is published again after a crash', async () => {
    // Prepare
    await outbox.publish(resolvedNotification);

    // Act
    await outbox.publish(resolvedNotification);

    // Assess
    expect(await readdir(join(dataDir, 'outbox', 'pager'))).toHaveLength(1);
  });

  it('keeps the topics apart', async () => {
    // Act
    await outbox.publish(resolvedNotification);
    await outbox.publish({
      ...resolvedNotification,
      topic: 'status-page',
      text: 'Miro Integration - Resolved',
    });

    // Assess
    expect(await readdir(join(dataDir, 'outbox'))).toEqual(['pager', 'status-page']);
    expect(await readdir(join(dataDir, 'outbox', 'status-page'))).toHaveLength(1);
  });
});
