import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileObjectStore, InvalidKeyError } from '../../../lambda/adapters/file-object-store.ts';
import { incrementCounter, objectStoreContract } from './object-store-contract.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const moduleUrl = (path: string): string =>
  JSON.stringify(new URL(`../../../lambda/${path}`, import.meta.url).href);

const makeDataDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'vendorwatch-store-'));

objectStoreContract('FileObjectStore', async () => {
  const dataDir = await makeDataDir();
  return {
    store: new FileObjectStore(dataDir),
    cleanup: () => rm(dataDir, { recursive: true, force: true }),
  };
});

/** Every file under a directory, internal ones included, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

/** Runs an ES module in its own Node process, which imports the adapter itself: only the disk is shared. */
function runInChildProcess(program: string, args: string[]) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '--eval', program, ...args],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exitCode = once(child, 'exit').then(([code]: unknown[]) => code);
  const ready = once(child.stdout, 'data');
  return { exitCode, ready };
}

/** Waits (printing a line once loaded) until the counter exists, then adds one to it `times` times. */
const INCREMENTER = `
  import { FileObjectStore } from ${moduleUrl('adapters/file-object-store.ts')};
  import { PreconditionFailedError } from ${moduleUrl('ports/object-store.ts')};
  const [dataDir, key, times] = process.argv.slice(1);
  const store = new FileObjectStore(dataDir);
  process.stdout.write('ready\\n');
  let current;
  while (!(current = await store.get(key))) await new Promise((resolve) => setTimeout(resolve, 2));
  for (let done = 0; done < Number(times); current = await store.get(key)) {
    try {
      await store.put(key, String(Number(current.body) + 1), { ifMatch: current.etag });
      done++;
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
    }
  }
`;

/** Starts writing a 64 MiB body and is killed (no cleanup runs) while that write is still going on. */
const CRASHING_WRITER = `
  import { FileObjectStore } from ${moduleUrl('adapters/file-object-store.ts')};
  const [dataDir, key] = process.argv.slice(1);
  void new FileObjectStore(dataDir).put(key, 'x'.repeat(64 * 1024 * 1024));
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), 20);
`;

describe('FileObjectStore', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await makeDataDir();
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('never shows a reader part of a body while it is being replaced', async () => {
    // Prepare
    const store = new FileObjectStore(dataDir);
    const bodies = ['a', 'b'].map((letter) => letter.repeat(2 * 1024 * 1024));
    await store.put('state/miro.json', bodies[0]!);

    // Act
    const writes = (async () => {
      for (let round = 1; round <= 10; round++) await store.put('state/miro.json', bodies[round % 2]!);
    })();
    const seen = new Set<string>();
    let writing = true;
    void writes.finally(() => {
      writing = false;
    });
    while (writing) seen.add((await store.get('state/miro.json'))!.body);
    await writes;

    // Assess
    for (const body of seen) expect(bodies).toContain(body);
  });

  it('leaves only the keys on disk after writes, lost races included', async () => {
    // Prepare
    const store = new FileObjectStore(dataDir);
    const { etag } = await store.put('state/miro.json', '0');

    // Act
    await Promise.allSettled([
      ...Array.from({ length: 5 }, (_, writer) =>
        store.put('state/miro.json', `${writer}`, { ifMatch: etag }),
      ),
      store.put('state/miro.json', 'late', { ifNoneMatch: '*' }),
      store.put('results/vendor=miro/date=2026-11-23/hour=09/1795424400000-a1.json', '{}'),
    ]);

    // Assess
    expect(await filesUnder(dataDir)).toEqual([
      join('results', 'vendor=miro', 'date=2026-11-23', 'hour=09', '1795424400000-a1.json'),
      join('state', 'miro.json'),
    ]);
  });

  it.each([
    ['a parent segment', '../outside.json'],
    ['a parent segment in the middle', 'state/../../outside.json'],
    ['an absolute path', '/tmp/outside.json'],
    ['an empty segment', 'state//miro.json'],
    ['a backslash', 'state\\..\\outside.json'],
    ['a name reserved for temporary files', 'state/.~miro.json.lock'],
  ])('rejects a key with %s and writes nothing', async (_, key) => {
    // Prepare
    const store = new FileObjectStore(join(dataDir, 'data'));

    // Act
    const put = store.put(key, 'escaped');
    const get = store.get(key);

    // Assess
    await expect(put).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(get).rejects.toBeInstanceOf(InvalidKeyError);
    expect(await filesUnder(dataDir)).toEqual([]);
  });

  it('loses no update when two other processes and this one increment the same key at once', async () => {
    // Prepare
    const store = new FileObjectStore(dataDir);
    const children = [1, 2].map(() => runInChildProcess(INCREMENTER, [dataDir, 'state/counter.json', '40']));
    await Promise.all(children.map((child) => child.ready));

    // Act: creating the counter is the starting signal for the children.
    await store.put('state/counter.json', '0');
    for (let done = 0; done < 20; done++) await incrementCounter(store, 'state/counter.json');
    const exitCodes = await Promise.all(children.map((child) => child.exitCode));

    // Assess
    expect(exitCodes).toEqual([0, 0]);
    expect((await store.get('state/counter.json'))?.body).toBe('100');
  });

  it('lets the next writer in promptly after a writer was killed in the middle of a write', async () => {
    // Prepare
    const store = new FileObjectStore(dataDir);
    const { etag } = await store.put('state/miro.json', 'before the crash');
    await runInChildProcess(CRASHING_WRITER, [dataDir, 'state/miro.json']).exitCode;

    // Act
    const leftByCrash = await store.get('state/miro.json');
    const startedAt = Date.now();
    await store.put('state/miro.json', 'after the crash', { ifMatch: etag });

    // Assess
    expect(leftByCrash?.body).toBe('before the crash');
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    expect((await store.get('state/miro.json'))?.body).toBe('after the crash');
  });
});
