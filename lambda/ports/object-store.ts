/** A stored object and the version tag a conditional write must name to replace it. */
export interface StoredObject {
  body: string;
  etag: string;
}

export interface PutOptions {
  /** Replace only if the stored version still has this tag (compare-and-set). */
  ifMatch?: string;
  /** `*`: create only if nothing is stored under the key yet. */
  ifNoneMatch?: '*';
  contentType?: string;
}

/** A conditional write lost a race: re-read, recompute, try again. */
export class PreconditionFailedError extends Error {
  constructor(readonly key: string) {
    super(`precondition failed writing ${key}: it changed since it was read`);
    this.name = 'PreconditionFailedError';
  }
}

/**
 * The one storage port. S3 and the local data directory hold the same keys (see storage-layout.ts);
 * both adapters give the same conditional-write semantics.
 */
export interface ObjectStore {
  get(key: string): Promise<StoredObject | null>;
  /** @throws PreconditionFailedError when ifMatch/ifNoneMatch does not hold. */
  put(key: string, body: string, options?: PutOptions): Promise<{ etag: string }>;
  /** Keys under a prefix in ascending (lexicographic) order, optionally only those after `startAfter`. */
  list(prefix: string, startAfter?: string): AsyncIterable<string>;
}
