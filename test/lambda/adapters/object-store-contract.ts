import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ObjectStore, PreconditionFailedError } from '../../../lambda/ports/object-store.ts';

export interface StoreUnderTest {
  store: ObjectStore;
  cleanup(): Promise<void>;
}

const collect = async (keys: AsyncIterable<string>): Promise<string[]> => {
  const collected: string[] = [];
  for await (const key of keys) collected.push(key);
  return collected;
};

/** Read, add one, compare-and-set; on a lost race start over. What the state Lambda does with state files. */
export async function incrementCounter(store: ObjectStore, key: string): Promise<void> {
  for (let attempt = 1; attempt <= 100; attempt++) {
    const current = await store.get(key);
    if (!current) throw new Error(`${key} is missing`);
    try {
      await store.put(key, String(Number(current.body) + 1), { ifMatch: current.etag });
      return;
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
    }
  }
  throw new Error(`gave up incrementing ${key} after 100 lost races`);
}

/** What every ObjectStore adapter must do identically, so the core behaves the same locally and on AWS. */
export function objectStoreContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`${name} honours the ObjectStore contract`, () => {
    let subject: StoreUnderTest;
    let store: ObjectStore;

    beforeEach(async () => {
      subject = await makeStore();
      store = subject.store;
    });
    afterEach(() => subject.cleanup());

    it('returns null for a key that was never written', async () => {
      // Act
      const stored = await store.get('state/nobody.json');

      // Assess
      expect(stored).toBeNull();
    });

    it('returns what was put, with the etag the put returned', async () => {
      // Prepare
      const body = JSON.stringify({ vendor: 'miro', note: 'naïve ✓' });

      // Act
      const { etag } = await store.put('state/miro.json', body);
      const stored = await store.get('state/miro.json');

      // Assess
      expect(stored).toEqual({ body, etag });
    });

    it('refuses a create-only put when the key exists, keeping the first body', async () => {
      // Prepare
      await store.put('state/miro.json', 'first', { ifNoneMatch: '*' });

      // Act
      const second = store.put('state/miro.json', 'second', { ifNoneMatch: '*' });

      // Assess
      await expect(second).rejects.toBeInstanceOf(PreconditionFailedError);
      expect((await store.get('state/miro.json'))?.body).toBe('first');
    });

    it('replaces a body when given its current etag, and refuses the now stale etag', async () => {
      // Prepare
      const { etag: firstEtag } = await store.put('state/miro.json', 'v1');

      // Act
      const { etag: secondEtag } = await store.put('state/miro.json', 'v2', { ifMatch: firstEtag });
      const stale = store.put('state/miro.json', 'v3', { ifMatch: firstEtag });

      // Assess
      await expect(stale).rejects.toBeInstanceOf(PreconditionFailedError);
      expect(await store.get('state/miro.json')).toEqual({ body: 'v2', etag: secondEtag });
    });

    it('refuses a compare-and-set on a key that does not exist', async () => {
      // Prepare
      const { etag } = await store.put('state/miro.json', 'v1');

      // Act
      const onMissing = store.put('state/ideogram.json', 'v1', { ifMatch: etag });

      // Assess
      await expect(onMissing).rejects.toBeInstanceOf(PreconditionFailedError);
      expect(await store.get('state/ideogram.json')).toBeNull();
    });

    it('lists the keys of one partition in ascending order, and those after startAfter', async () => {
      // Prepare
      const partition = 'results/vendor=miro/date=2026-11-23/';
      const inPartition = [
        `${partition}hour=09/1795424400000-a1.json`,
        `${partition}hour=09/1795427999000-b2.json`,
        `${partition}hour=10/1795428000000-c3.json`,
        `${partition}hour=23/1795478399000-d4.json`,
      ];
      const elsewhere = [
        'results/vendor=miro/date=2026-11-22/hour=23/1795391999000-z9.json',
        'results/vendor=miro/date=2026-11-24/hour=00/1795478400000-e5.json',
        'results/vendor=ideogram/date=2026-11-23/hour=09/1795424400000-f6.json',
        'state/miro.json',
      ];
      for (const key of [...inPartition, ...elsewhere].reverse()) await store.put(key, '{}');

      // Act
      const all = await collect(store.list(partition));
      const afterFirstHour = await collect(store.list(partition, inPartition[1]));

      // Assess
      expect(all).toEqual(inPartition);
      expect(afterFirstHour).toEqual(inPartition.slice(2));
    });

    it('lists in byte order across "/" like S3, with a prefix that ends mid-name', async () => {
      // Prepare: "-" (0x2d) and "." (0x2e) sort before "/" (0x2f), "0" (0x30) after it.
      const keys = ['incidents/a-b.json', 'incidents/a.json', 'incidents/a/z.json', 'incidents/a0.json'];
      for (const key of [...keys].reverse()) await store.put(key, '{}');

      // Act
      const listed = await collect(store.list('incidents/a'));

      // Assess
      expect(listed).toEqual(keys);
    });

    it('lists nothing under a prefix that holds no keys', async () => {
      // Prepare
      await store.put('state/miro.json', '{}');

      // Act
      const listed = await collect(store.list('results/vendor=miro/'));

      // Assess
      expect(listed).toEqual([]);
    });

    it('lets exactly one of 20 writers racing from the same etag win', async () => {
      // Prepare
      const { etag } = await store.put('state/miro.json', 'initial');

      // Act
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, writer) =>
          store.put('state/miro.json', `writer ${writer}`, { ifMatch: etag }),
        ),
      );

      // Assess
      const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const losers = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(19);
      for (const reason of losers) expect(reason).toBeInstanceOf(PreconditionFailedError);
    });

    it('loses no update when 20 writers each retry their increment until it lands', async () => {
      // Prepare
      await store.put('state/counter.json', '0');

      // Act
      await Promise.all(Array.from({ length: 20 }, () => incrementCounter(store, 'state/counter.json')));

      // Assess
      expect((await store.get('state/counter.json'))?.body).toBe('20');
    });
  });
}
