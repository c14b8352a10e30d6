import { createHash, randomUUID } from 'node:crypto';
import type { Dirent } from 'node:fs';
import {
  type FileHandle,
  link,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type ObjectStore,
  PreconditionFailedError,
  type PutOptions,
  type StoredObject,
} from '../ports/object-store.ts';

/**
 * The local data directory as an ObjectStore: one file per key, the same layout as the S3 bucket.
 *
 * A write goes to a temporary file that is then renamed over the key, so readers see the old or the
 * new body, never part of one. Every write holds a lock file for its key from the precondition check
 * to the rename, which makes compare-and-set atomic across writers in this process and in others.
 */
export class FileObjectStore implements ObjectStore {
  private readonly root: string;
  private readonly writesInProcess = new PerKeyQueue();

  constructor(rootDir: string) {
    this.root = resolve(rootDir);
  }

  async get(key: string): Promise<StoredObject | null> {
    return readObject(this.pathOf(key));
  }

  // A file has no content type; the key's extension carries it.
  async put(key: string, body: string, options: PutOptions = {}): Promise<{ etag: string }> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    return this.writesInProcess.run(path, () =>
      withLockFile(lockPathOf(path), async () => {
        if (options.ifMatch !== undefined || options.ifNoneMatch !== undefined) {
          assertPreconditions(key, await readObject(path), options);
        }
        await writeAtomically(path, body);
        return { etag: etagOf(body) };
      }),
    );
  }

  async *list(prefix: string, startAfter = ''): AsyncIterable<string> {
    yield* keysUnder(this.root, '', prefix, startAfter);
  }

  private pathOf(key: string): string {
    const problem = keyProblem(key);
    if (problem) throw new InvalidKeyError(key, problem);
    return join(this.root, ...key.split('/'));
  }
}

/** A key that cannot name a file inside the data directory. */
export class InvalidKeyError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid object key ${JSON.stringify(key)}: ${reason}`);
    this.name = 'InvalidKeyError';
  }
}

/** No vendorwatch writer released a key's lock in time, and its owner still looks alive. */
export class LockTimeoutError extends Error {
  constructor(readonly lockPath: string) {
    super(`timed out waiting for ${lockPath}; if no vendorwatch process is writing, delete that file`);
    this.name = 'LockTimeoutError';
  }
}

/** Temporary bodies and locks live next to the keys; names starting with this are never keys. */
const INTERNAL_PREFIX = '.~';

function keyProblem(key: string): string | null {
  if (key.startsWith('/')) return 'absolute keys are not allowed';
  if (/[\\\0]/.test(key)) return 'backslashes and NUL are not allowed';
  const segments = key.split('/');
  if (segments.some((segment) => segment === '')) return 'empty segments are not allowed';
  if (segments.some((segment) => segment === '.' || segment === '..')) return 'dot segments are not allowed';
  if (segments.some((segment) => segment.startsWith(INTERNAL_PREFIX))) {
    return `segments starting with ${INTERNAL_PREFIX} are reserved`;
  }
  return null;
}

/** Quoted like an S3 ETag; a content hash, so equal bodies have equal tags in any process. */
const etagOf = (body: string): string => `"${createHash('sha256').update(body).digest('hex')}"`;

async function readObject(path: string): Promise<StoredObject | null> {
  try {
    const body = await readFile(path, 'utf8');
    return { body, etag: etagOf(body) };
  } catch (error) {
    if (isAbsent(error)) return null;
    throw error;
  }
}

function assertPreconditions(key: string, current: StoredObject | null, options: PutOptions): void {
  if (options.ifNoneMatch === '*' && current !== null) throw new PreconditionFailedError(key);
  if (options.ifMatch !== undefined && current?.etag !== options.ifMatch) {
    throw new PreconditionFailedError(key);
  }
}

async function writeAtomically(path: string, body: string): Promise<void> {
  const temporary = join(dirname(path), `${INTERNAL_PREFIX}${basename(path)}.${randomUUID()}.tmp`);
  try {
    // flush: the body is on disk before the rename makes it the key's, so a crash cannot leave it empty.
    await writeFile(temporary, body, { flag: 'wx', flush: true });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Keys under directory `dir` (whose keys all start with `dirKey`) in ascending order. A directory
 * sorts as `name/`, which is exactly where all of its keys fall among its siblings' keys, so a
 * depth-first walk yields the same order as S3. Subtrees that cannot match are not read.
 */
async function* keysUnder(
  dir: string,
  dirKey: string,
  prefix: string,
  startAfter: string,
): AsyncGenerator<string> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isAbsent(error)) return;
    throw error;
  }
  const children = entries
    .filter((entry) => !entry.name.startsWith(INTERNAL_PREFIX) && (entry.isFile() || entry.isDirectory()))
    .map((entry) => ({ entry, key: `${dirKey}${entry.name}${entry.isDirectory() ? '/' : ''}` }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const { entry, key } of children) {
    if (!entry.isDirectory()) {
      if (key.startsWith(prefix) && key > startAfter) yield key;
    } else if (mayHoldMatches(key, prefix, startAfter)) {
      yield* keysUnder(join(dir, entry.name), key, prefix, startAfter);
    }
  }
}

/** Whether some key starting with `dirKey` could start with `prefix` and sort after `startAfter`. */
function mayHoldMatches(dirKey: string, prefix: string, startAfter: string): boolean {
  const overlapsPrefix = dirKey.startsWith(prefix) || prefix.startsWith(dirKey);
  const allBeforeStart = dirKey < startAfter && !startAfter.startsWith(dirKey);
  return overlapsPrefix && !allBeforeStart;
}

/** Runs one process's writes to a key one after another, so the lock file only arbitrates between processes. */
class PerKeyQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

const lockPathOf = (path: string): string => join(dirname(path), `${INTERNAL_PREFIX}${basename(path)}.lock`);

const LOCK_WAIT_MS = 10_000;
const LOCK_RETRY_MAX_MS = 25;
/**
 * A lock older than this is taken over even if its owner looks alive (another host, a reused pid, a
 * hung writer). It exceeds LOCK_WAIT_MS, so the time an owner spent waiting never makes its fresh lock stale.
 */
const LOCK_STALE_MS = 30_000;

/** What a lock file holds: who to ask whether it is still alive, and a token that makes each lock's content unique. */
interface LockOwner {
  host: string;
  pid: number;
  token: string;
}

async function withLockFile<T>(lockPath: string, work: () => Promise<T>): Promise<T> {
  const owner: LockOwner = { host: hostname(), pid: process.pid, token: randomUUID() };
  const ownerText = JSON.stringify(owner);
  await acquireLock(lockPath, ownerText);
  try {
    return await work();
  } finally {
    await removeLockIfHeldBy(lockPath, ownerText);
  }
}

async function acquireLock(lockPath: string, ownerText: string): Promise<void> {
  // The lock is a hard link to a complete file, so it never exists without its owner written in it.
  const draft = `${lockPath}.${randomUUID()}`;
  await writeFile(draft, ownerText, { flag: 'wx' });
  try {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        await link(draft, lockPath);
        return;
      } catch (error) {
        if (!hasCode(error, 'EEXIST')) throw error;
      }
      await breakLockIfStale(lockPath);
      if (Date.now() > deadline) throw new LockTimeoutError(lockPath);
      // Jitter keeps processes that collided once from colliding again in lockstep.
      await sleep(Math.min(LOCK_RETRY_MAX_MS, 2 ** attempt) * (0.5 + Math.random()));
    }
  } finally {
    await unlink(draft);
  }
}

async function breakLockIfStale(lockPath: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(lockPath, 'r');
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return;
    throw error;
  }
  // Content and age come from one open file, so they describe the same lock even if it is replaced meanwhile.
  let ownerText: string;
  let ageMs: number;
  try {
    ownerText = await handle.readFile('utf8');
    ageMs = Date.now() - (await handle.stat()).mtimeMs;
  } finally {
    await handle.close();
  }
  if (ageMs > LOCK_STALE_MS || isDeadLocalOwner(ownerText)) await removeLockIfHeldBy(lockPath, ownerText);
}

/** The lock was taken by a process on this host that has since exited (crashed or killed mid-write). */
function isDeadLocalOwner(ownerText: string): boolean {
  let owner: LockOwner;
  try {
    owner = JSON.parse(ownerText);
  } catch {
    return false; // Not written by this store: only its age can tell.
  }
  if (owner.host !== hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return !hasCode(error, 'EPERM');
  }
}

/**
 * Removes the lock only if `ownerText` holds it. Renaming is the one atomic way to take a file away,
 * so the lock is renamed aside, then checked; if it turned out to be someone else's newer lock it is
 * linked back (unless yet another writer took the free slot in that instant, which needs a stale
 * lock and three writers at once).
 */
async function removeLockIfHeldBy(lockPath: string, ownerText: string): Promise<void> {
  const aside = `${lockPath}.${randomUUID()}`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return;
    throw error;
  }
  try {
    if ((await readFile(aside, 'utf8')) !== ownerText) {
      await link(aside, lockPath).catch((error: unknown) => {
        if (!hasCode(error, 'EEXIST')) throw error;
      });
    }
  } finally {
    await unlink(aside);
  }
}

/** Nothing is stored under that key (or under the prefix for a listing). */
const isAbsent = (error: unknown): boolean => hasCode(error, 'ENOENT', 'ENOTDIR', 'EISDIR');

const hasCode = (error: unknown, ...codes: string[]): boolean =>
  error instanceof Error && 'code' in error && codes.includes(String(error.code));
