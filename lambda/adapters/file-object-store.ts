import { createHash, randomUUID } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import {
  type ObjectStore,
  PreconditionFailedError,
  type PutOptions,
  type StoredObject,
} from '../ports/object-store.ts';
import { hasCode, PerKeyQueue, withLockFile } from './file-lock.ts';

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

const lockPathOf = (path: string): string => join(dirname(path), `${INTERNAL_PREFIX}${basename(path)}.lock`);

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

/** Nothing is stored under that key (or under the prefix for a listing). */
const isAbsent = (error: unknown): boolean => hasCode(error, 'ENOENT', 'ENOTDIR', 'EISDIR');
