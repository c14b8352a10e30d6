import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CreateTopicCommand, DeleteTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { S3Event } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { S3ObjectStore } from '../../lambda/adapters/s3-object-store.ts';
import { SnsNotifier } from '../../lambda/adapters/sns-notifier.ts';
import type { Config } from '../../lambda/config/load-config.ts';
import { incidentsPrefix } from '../../lambda/core/storage-layout.ts';
import type { ProbeResult } from '../../lambda/core/vocabulary.ts';
import type { stateHandler as StateHandlerFactory } from '../../lambda/handlers/state-handler.ts';
import { storeResult } from '../../lambda/monitor/result-store.ts';
import { applyResult, DELIVERY_LEASE_MS, readStateDocument } from '../../lambda/monitor/vendor-monitor.ts';
import type { Notifier } from '../../lambda/ports/notifier.ts';
import { type MotoServer, motoAvailable, motoSkipReason, startMotoServer } from '../support/moto-server.ts';
import { type Aws, drainInbox, objectsUnder, s3Error, setUpAws, snsError } from './support/aws.ts';
import { reportCounts } from './support/counts.ts';
import {
  deliveryKey,
  monitorConfig,
  resultAt,
  sequentialReplay,
  tally,
  WatchedStore,
} from './support/monitor.ts';

if (!motoAvailable) console.warn(motoSkipReason);

interface Delivery {
  result: ProbeResult;
  key: string;
}

/** Seeded jitter: deliveries mostly in time order, overlapping by up to `spread` minutes, as slow Lambdas do. */
function jittered(deliveries: readonly Delivery[], seed: number, spread = 2.5): Delivery[] {
  const random = fc.sample(fc.double({ min: 0, max: spread, noNaN: true }), {
    seed,
    numRuns: deliveries.length,
  });
  return deliveries
    .map((delivery, index) => ({
      delivery,
      at: Date.parse(delivery.result.startedAt) / 60_000 + random[index]!,
    }))
    .sort((a, b) => a.at - b.at)
    .map(({ delivery }) => delivery);
}

describe.skipIf(!motoAvailable)('platform faults against moto_server (S3, SNS → SQS)', () => {
  let moto: MotoServer;
  let aws: Aws;
  let stateHandler: typeof StateHandlerFactory;

  beforeAll(async () => {
    moto = await startMotoServer();
    aws = await setUpAws(moto.endpoint);
    // The module builds its own runtime at import, as at a Lambda cold start; the tests use the factory.
    Object.assign(process.env, {
      VENDORWATCH_CONFIG: JSON.stringify({
        vendors: [{ id: 'x', profile: 'generic', statusPage: 'https://s.example' }],
      }),
      RESULTS_BUCKET: aws.bucket,
      PAGER_TOPIC_ARN: aws.topics.pager,
      STATUS_PAGE_TOPIC_ARN: aws.topics['status-page'],
      AWS_REGION: 'us-east-1',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    ({ stateHandler } = await import('../../lambda/handlers/state-handler.ts'));
  }, 60_000);

  afterAll(() => moto?.stop());

  const watchedStore = () => new WatchedStore(new S3ObjectStore(aws.s3, aws.bucket));
  const snsNotifier = () => new SnsNotifier(aws.sns, aws.topics);
  const monitorFor = (config: Config, notifier: Notifier = snsNotifier()) => ({
    store: watchedStore(),
    notifier,
    config,
  });

  async function storeAll(store: WatchedStore, results: ProbeResult[]): Promise<Delivery[]> {
    return Promise.all(results.map(async (result) => ({ result, key: await storeResult(store, result) })));
  }

  /** What subscribers of this vendor received, as `topic dedupKey` → times. */
  async function received(vendor: string): Promise<Map<string, number>> {
    const delivered = (await drainInbox(aws)).filter(({ event }) => event.vendor === vendor);
    return tally(delivered.map(({ topic, event }) => deliveryKey(topic, event.dedupKey)));
  }

  const total = (counts: Map<string, number>) => [...counts.values()].reduce((sum, n) => sum + n, 0);

  /** The S3 event Lambda gets for a stored result. */
  const s3Event = (key: string) =>
    ({ Records: [{ s3: { bucket: { name: aws.bucket }, object: { key } } }] }) as unknown as S3Event;

  const handlerFor = (config: Config) =>
    stateHandler(
      {
        config,
        store: new S3ObjectStore(aws.s3, aws.bucket),
        logger: new Logger({ serviceName: 'vendorwatch', logLevel: 'SILENT' }),
        metrics: new Metrics({ namespace: 'vendorwatch', serviceName: 'vendorwatch' }),
      },
      snsNotifier(),
    );

  describe('N concurrent state writers on one vendor', () => {
    it('20 overlapping deliveries of 10 results, each twice: one incident, no lost failure count, each message delivered once', async () => {
      const vendor = 'concurrent';
      const config = monitorConfig([vendor], { openAfter: 2, resolveAfter: 1, identifyAfter: 2 });
      const monitor = monitorFor(config);
      const failing = await storeAll(
        monitor.store,
        [0, 1, 2, 3, 4].map((m) => resultAt(vendor, m, true)),
      );
      const healthy = await storeAll(
        monitor.store,
        [5, 6, 7, 8, 9].map((m) => resultAt(vendor, m, false)),
      );

      const applied: Delivery[] = [];
      for (const [burst, seed] of [
        [failing, 7],
        [healthy, 11],
      ] as const) {
        // Every result delivered twice (S3 events are at-least-once), all ten at once.
        const outcomes = await Promise.allSettled(
          jittered([...burst, ...burst], seed).map(({ result, key }) => applyResult(monitor, result, key)),
        );
        expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);

        // Each committed state names the result it applied; a lost update would go back in time.
        const commits = monitor.store.stateCommits.map((state) => state.lastResultAt!);
        expect(commits).toEqual([...commits].sort());
        const committedKeys = new Set(monitor.store.stateCommits.map((state) => state.lastResultKey));
        applied.push(...burst.filter(({ key }) => committedKeys.has(key)));
        const { document } = await readStateDocument(monitor.store, vendor);
        expect(document.state).toEqual(sequentialReplay(config, applied).state);
        expect(document.outbox).toEqual([]);
      }

      const { document } = await readStateDocument(monitor.store, vendor);
      expect(document.state.incident).toBeNull();
      const keys = Object.keys(await objectsUnder(aws, ''));
      expect(
        keys.filter((key) => key.startsWith(incidentsPrefix(vendor)) && key.endsWith('.json')),
      ).toHaveLength(1);
      expect(
        keys.filter((key) => key.startsWith(`postmortems/vendor=${vendor}/`) && key.endsWith('.md')),
      ).toHaveLength(1);
      const expected = sequentialReplay(config, applied).deliveries;
      const counts = await received(vendor);
      reportCounts('N concurrent state writers (moto S3 412s)', {
        faultsInjected: 20,
        resultsApplied: applied.length,
        conflicts412: monitor.store.lostRaces,
        notificationsExpected: expected.length,
        notificationsSent: total(counts),
      });
      expect(monitor.store.lostRaces).toBeGreaterThan(0);
      expect([...counts.keys()].sort()).toEqual([...expected].sort());
      expect(total(counts)).toBe(expected.length);
    });

    it('results delivered late, out of order and again change nothing twice: state and messages are a one-at-a-time replay', async () => {
      let faults = 0;
      let sent = 0;
      let expectedSent = 0;
      let run = 0;
      // Six results a minute apart (three failing, three healthy), each delivered up to 3 minutes late.
      const latenessArb = fc.array(fc.double({ min: 0, max: 3, noNaN: true }), {
        minLength: 6,
        maxLength: 6,
      });
      await fc.assert(
        fc.asyncProperty(latenessArb, async (lateness) => {
          const vendor = `late-${++run}`;
          const config = monitorConfig([vendor], { openAfter: 1, resolveAfter: 1 });
          const monitor = monitorFor(config);
          const inOrder = await storeAll(
            monitor.store,
            [0, 1, 2, 3, 4, 5].map((m) => resultAt(vendor, m, m < 3)),
          );
          const arrivals = inOrder
            .map((delivery, m) => ({ delivery, at: m + lateness[m]! }))
            .sort((a, b) => a.at - b.at)
            .map(({ delivery }) => delivery);
          // And the first two once more at the end, as a Lambda retry would.
          const deliveries = [...arrivals, inOrder[0]!, inOrder[1]!];

          for (const { result, key } of deliveries) await applyResult(monitor, result, key);

          const replay = sequentialReplay(config, deliveries);
          expect((await readStateDocument(monitor.store, vendor)).document.state).toEqual(replay.state);
          const counts = await received(vendor);
          expect([...counts.keys()].sort()).toEqual([...replay.deliveries].sort());
          expect(total(counts)).toBe(replay.deliveries.length);
          const newer = arrivals.filter((delivery, index) =>
            arrivals.slice(0, index).every((earlier) => earlier.result.startedAt < delivery.result.startedAt),
          );
          faults += deliveries.length - newer.length;
          sent += total(counts);
          expectedSent += replay.deliveries.length;
        }),
        { seed: 20_250_601, numRuns: 3 },
      );
      expect(expectedSent).toBeGreaterThan(0);
      reportCounts('out-of-order and repeated results', {
        faultsInjected: faults,
        notificationsExpected: expectedSent,
        notificationsSent: sent,
      });
    });
  });

  describe('S3 errors', () => {
    it('503 SlowDown on the state write is absorbed by the SDK retry (injected: moto cannot answer SlowDown)', async () => {
      const vendor = 'slowdown';
      const config = monitorConfig([vendor]);
      const monitor = monitorFor(config);
      const [failing] = await storeAll(monitor.store, [resultAt(vendor, 0, true)]);
      aws.faults.inject({ ...s3Error(503, 'SlowDown'), pathContains: `state/${vendor}`, times: 2 });

      await applyResult(monitor, failing!.result, failing!.key);

      const expected = sequentialReplay(config, [failing!]).deliveries;
      const counts = await received(vendor);
      expect([...counts.keys()].sort()).toEqual(expected.sort());
      expect(total(counts)).toBe(expected.length);
      reportCounts('S3 503 SlowDown (injected)', {
        faultsInjected: aws.faults.served['PutObject 503'] ?? 0,
        notificationsExpected: expected.length,
        notificationsSent: total(counts),
      });
    });

    it('500 InternalError on every attempt fails the invocation; the Lambda retry applies the result once (injected)', async () => {
      const vendor = 's3-down';
      const config = monitorConfig([vendor]);
      const handler = handlerFor(config);
      const store = watchedStore();
      const [failing] = await storeAll(store, [resultAt(vendor, 0, true)]);
      // More 500s than the SDK's three attempts: the reading of the result and the state write both fail.
      aws.faults.inject(
        { ...s3Error(500, 'InternalError', 'GetObject'), pathContains: 'results/', times: 3 },
        { ...s3Error(500, 'InternalError'), pathContains: `state/${vendor}`, times: 3 },
      );

      await expect(handler(s3Event(failing!.key))).rejects.toThrow(/InternalError|injected/);
      await expect(handler(s3Event(failing!.key))).rejects.toThrow(/InternalError|injected/);
      expect(await received(vendor)).toEqual(new Map());
      await handler(s3Event(failing!.key));
      await handler(s3Event(failing!.key));

      const expected = sequentialReplay(config, [failing!]).deliveries;
      const counts = await received(vendor);
      expect([...counts.keys()].sort()).toEqual(expected.sort());
      expect(total(counts)).toBe(expected.length);
      reportCounts('S3 500 InternalError (injected)', {
        faultsInjected: (aws.faults.served['GetObject 500'] ?? 0) + (aws.faults.served['PutObject 500'] ?? 0),
        notificationsExpected: expected.length,
        notificationsSent: total(counts),
      });
    });
  });

  describe('SNS errors', () => {
    it('throttling beyond the SDK retry keeps the messages pending; the next delivery sends each once (injected: moto cannot throttle)', async () => {
      const vendor = 'throttled';
      const config = monitorConfig([vendor]);
      const monitor = monitorFor(config);
      const [first, second] = await storeAll(monitor.store, [
        resultAt(vendor, 0, true),
        resultAt(vendor, 1, true),
      ]);
      aws.faults.inject(snsError(400, 'Throttling', 3));

      await expect(applyResult(monitor, first!.result, first!.key)).rejects.toThrow(/Throttling|injected/);
      expect(await received(vendor)).toEqual(new Map());
      expect((await readStateDocument(monitor.store, vendor)).document.outbox).not.toEqual([]);
      await applyResult(monitor, second!.result, second!.key);

      const expected = sequentialReplay(config, [first!, second!]).deliveries;
      const counts = await received(vendor);
      expect([...counts.keys()].sort()).toEqual(expected.sort());
      expect(total(counts)).toBe(expected.length);
      expect((await readStateDocument(monitor.store, vendor)).document.outbox).toEqual([]);
      reportCounts('SNS throttling (injected)', {
        faultsInjected: aws.faults.served['Publish 400'] ?? 0,
        notificationsExpected: expected.length,
        notificationsSent: total(counts),
      });
    });

    it('a status-page topic that is gone does not re-send the page already delivered (moto: deleted topic)', async () => {
      const vendor = 'no-status-topic';
      const config = monitorConfig([vendor]);
      const monitor = monitorFor(config);
      const results = await storeAll(
        monitor.store,
        [0, 1, 2].map((m) => resultAt(vendor, m, true)),
      );
      await aws.sns.send(new DeleteTopicCommand({ TopicArn: aws.topics['status-page'] }));

      let failures = 0;
      for (const { result, key } of results) await applyResult(monitor, result, key).catch(() => failures++);
      const duringOutage = await received(vendor);
      await recreateStatusPageTopic();
      const recovered = await storeAll(monitor.store, [resultAt(vendor, 3, true)]);
      await applyResult(monitor, recovered[0]!.result, recovered[0]!.key);

      const expected = sequentialReplay(config, [...results, ...recovered]).deliveries;
      const counts = await received(vendor);
      for (const [key, times] of duringOutage) counts.set(key, (counts.get(key) ?? 0) + times);
      expect(failures).toBe(3);
      expect([...duringOutage.keys()].every((key) => key.startsWith('pager '))).toBe(true);
      expect([...counts.keys()].sort()).toEqual(expected.sort());
      expect(total(counts)).toBe(expected.length);
      reportCounts('SNS publish failure (moto: deleted topic)', {
        faultsInjected: failures,
        notificationsExpected: expected.length,
        notificationsSent: total(counts),
      });
    });
  });

  async function recreateStatusPageTopic(): Promise<void> {
    const { TopicArn } = await aws.sns.send(new CreateTopicCommand({ Name: 'status-page' }));
    expect(TopicArn).toBe(aws.topics['status-page']);
    const { Attributes } = await aws.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: aws.queueUrl, AttributeNames: ['QueueArn'] }),
    );
    await aws.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes!.QueueArn }));
  }

  describe('the state Lambda timing out mid-cycle', () => {
    /** A notifier in a Lambda that is killed at this point: the call never returns. */
    const killedAt = (point: 'before publishing' | 'after publishing'): Notifier => ({
      async publish(notification) {
        if (point === 'after publishing') await snsNotifier().publish(notification);
        await new Promise(() => undefined);
      },
    });

    /** What the next invocation does once the killed one's claim on the outbox has run out. */
    async function afterTheLease<T>(work: () => Promise<T>): Promise<T> {
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + DELIVERY_LEASE_MS + 1_000 });
      try {
        return await work();
      } finally {
        vi.useRealTimers();
      }
    }

    it.each([
      ['before publishing', 0],
      ['after publishing, before marking it sent', 1],
    ] as const)(
      'killed %s: the next invocation delivers everything, re-sending at most that message with its dedupKey',
      async (point, resent) => {
        const vendor = `killed-${resent}`;
        const config = monitorConfig([vendor]);
        const store = watchedStore();
        const [first, second] = await storeAll(store, [resultAt(vendor, 0, true), resultAt(vendor, 1, true)]);

        void applyResult(
          { store, notifier: killedAt(resent ? 'after publishing' : 'before publishing'), config },
          first!.result,
          first!.key,
        );
        await vi.waitFor(async () =>
          expect((await readStateDocument(store, vendor)).document.delivering).toBeDefined(),
        );
        // The Lambda retry of the same event, within the killed invocation's lease: no double delivery.
        await applyResult({ store, notifier: snsNotifier(), config }, first!.result, first!.key);
        const whileLeased = await received(vendor);
        await afterTheLease(() =>
          applyResult({ store, notifier: snsNotifier(), config }, second!.result, second!.key),
        );

        const expected = sequentialReplay(config, [first!, second!]).deliveries;
        const counts = await received(vendor);
        for (const [key, times] of whileLeased) counts.set(key, (counts.get(key) ?? 0) + times);
        expect([...counts.keys()].sort()).toEqual(expected.sort());
        expect(total(counts)).toBe(expected.length + resent);
        expect((await readStateDocument(store, vendor)).document.outbox).toEqual([]);
        reportCounts(`state Lambda killed ${point}`, {
          faultsInjected: 1,
          notificationsExpected: expected.length,
          notificationsSent: total(counts),
          resentWithSameDedupKey: total(counts) - counts.size,
        });
      },
    );
  });
});
