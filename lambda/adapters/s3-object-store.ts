import {
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  paginateListObjectsV2,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import {
  type ObjectStore,
  PreconditionFailedError,
  type PutOptions,
  type StoredObject,
} from '../ports/object-store.ts';

/**
 * The evidence bucket as an ObjectStore. Conditional writes are S3's own (`If-Match`,
 * `If-None-Match`), so S3 arbitrates between concurrent Lambda invocations.
 */
export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async get(key: string): Promise<StoredObject | null> {
    try {
      const output = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const body = (await output.Body?.transformToString('utf-8')) ?? '';
      return { body, etag: requireEtag(output.ETag, key) };
    } catch (error) {
      if (error instanceof NoSuchKey) return null;
      throw error;
    }
  }

  async put(key: string, body: string, options: PutOptions = {}): Promise<{ etag: string }> {
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      Body: body,
      ContentType: options.contentType ?? 'application/json',
      IfMatch: options.ifMatch,
      IfNoneMatch: options.ifNoneMatch,
    });
    try {
      const output = await this.client.send(command);
      return { etag: requireEtag(output.ETag, key) };
    } catch (error) {
      if (lostConditionalWrite(error, options)) throw new PreconditionFailedError(key);
      throw error;
    }
  }

  async *list(prefix: string, startAfter?: string): AsyncIterable<string> {
    const pages = paginateListObjectsV2(
      { client: this.client },
      { Bucket: this.bucket, Prefix: prefix, StartAfter: startAfter },
    );
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) yield object.Key;
      }
    }
  }
}

/**
 * S3 answers a conditional write whose condition does not hold with 412 PreconditionFailed, one that
 * raced another conditional write with 409 ConditionalRequestConflict, and an If-Match on a key that
 * is gone with 404 NoSuchKey: for the caller each means "re-read and try again".
 */
function lostConditionalWrite(error: unknown, { ifMatch, ifNoneMatch }: PutOptions): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  switch (error.$metadata.httpStatusCode) {
    case 412:
    case 409:
      return ifMatch !== undefined || ifNoneMatch !== undefined;
    case 404:
      return ifMatch !== undefined;
    default:
      return false;
  }
}

function requireEtag(etag: string | undefined, key: string): string {
  // Compare-and-set is impossible without it; S3 always sends one, a misbehaving proxy might not.
  if (etag === undefined) throw new Error(`S3 returned no ETag for ${key}`);
  return etag;
}
