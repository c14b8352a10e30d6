import { randomUUID } from 'node:crypto';
import { type FileHandle, link, open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Mutual exclusion for the local data directory: an in-process queue per key, and a lock file that
 * arbitrates between processes (several `vendorwatch run`s, or a run and a test, on one directory).
 */

/** No vendorwatch writer released a key's lock in time, and its owner still looks alive. */
export class LockTimeoutError extends Error {
  constructor(readonly lockPath: string) {
    super(`timed out waiting for ${lockPath}; if no vendorwatch process is writing, delete that file`);
    this.name = 'LockTimeoutError';
  }
}

/** Runs one process's writes to a key one after another, so the lock file only arbitrates between processes. */
export class PerKeyQueue {
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

export async function withLockFile<T>(lockPath: string, work: () => Promise<T>): Promise<T> {
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

export const hasCode = (error: unknown, ...codes: string[]): boolean =>
  error instanceof Error && 'code' in error && codes.includes(String(error.code));
