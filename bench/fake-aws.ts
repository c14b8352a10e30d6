import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Just enough of S3, SNS and Secrets Manager, over their real wire protocols, for the deployed
 * handlers to run unchanged against it and for every billable request they make to be counted.
 * Counting at the wire (not at the ObjectStore port) is what AWS bills: it sees the state function's
 * read of the result, the S3 adapter's pagination, and secret fetches the cache did not absorb.
 */

export type BilledOperation =
  | 's3:PutObject'
  | 's3:GetObject'
  | 's3:ListObjectsV2'
  | 'sns:Publish'
  | 'secretsmanager:GetSecretValue';

/** One billable request: the operation and what it named (object key, secret id or topic). */
export interface BilledRequest {
  operation: BilledOperation;
  target: string;
}

export interface FakeAws {
  /** For `AWS_ENDPOINT_URL`: every SDK client of the handlers talks to this. */
  readonly endpoint: string;
  /** The requests received since the last call, in order. */
  takeRequests(): BilledRequest[];
  /** Bytes of the object stored under a key, or null. */
  objectBytes(key: string): number | null;
  /** Bytes of every SNS message published so far (SNS bills publishes in 64 KB chunks). */
  readonly publishedBytes: readonly number[];
  close(): Promise<void>;
}

export interface FakeAwsOptions {
  /** SecretString per secret id, as Secrets Manager would return it. */
  secrets: Record<string, string>;
}

interface StoredObject {
  body: Buffer;
  etag: string;
}

/** What one request gets back. */
interface Answer {
  status: number;
  headers: Record<string, string | number>;
  body?: string | Buffer;
}

type Count = (operation: BilledOperation, target: string) => void;

export async function startFakeAws(options: FakeAwsOptions): Promise<FakeAws> {
  const objects = new Map<string, StoredObject>();
  let requests: BilledRequest[] = [];
  const publishedBytes: number[] = [];
  const count: Count = (operation, target) => requests.push({ operation, target });

  const route = (req: http.IncomingMessage, body: Buffer): Answer => {
    const target = String(req.headers['x-amz-target'] ?? '');
    if (target.startsWith('secretsmanager.')) return answerSecret(target, body, options.secrets, count);
    const form = /x-www-form-urlencoded/.test(String(req.headers['content-type'] ?? ''))
      ? new URLSearchParams(body.toString('utf8'))
      : null;
    if (form?.get('Action') === 'Publish') {
      count('sns:Publish', form.get('TopicArn') ?? '');
      publishedBytes.push(publishPayloadBytes(form));
      return xml(200, publishResponse());
    }
    return answerS3(req, body, objects, count);
  };
  const server = http.createServer((req, res) => {
    readBody(req)
      .then((body) => route(req, body))
      .catch((error: unknown) => xml(500, s3Error('InternalError', String(error))))
      .then(({ status, headers, body }) => res.writeHead(status, headers).end(body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    takeRequests() {
      const taken = requests;
      requests = [];
      return taken;
    },
    objectBytes: (key) => objects.get(key)?.body.length ?? null,
    publishedBytes,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return /aws-chunked/.test(String(req.headers['content-encoding'] ?? '')) ? decodeAwsChunked(raw) : raw;
}

/** `aws-chunked` (the SDK's streaming checksum encoding): `<hex size>[;ext]\r\n<data>\r\n` … `0\r\n<trailers>`. */
function decodeAwsChunked(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', offset);
    const size = Number.parseInt(raw.subarray(offset, lineEnd).toString('latin1').split(';')[0] ?? '0', 16);
    if (!size) return Buffer.concat(parts);
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}

function answerS3(
  req: http.IncomingMessage,
  body: Buffer,
  objects: Map<string, StoredObject>,
  count: Count,
): Answer {
  const url = new URL(req.url ?? '/', 'http://fake');
  // Path-style addressing (the SDK uses it for an IP endpoint): /<bucket>/<key>.
  const [, , ...keyParts] = url.pathname.split('/');
  const key = decodeURIComponent(keyParts.join('/'));
  if (req.method === 'GET' && url.searchParams.get('list-type') === '2') {
    count('s3:ListObjectsV2', url.searchParams.get('prefix') ?? '');
    return xml(200, listResponse(objects, url.searchParams));
  }
  if (req.method === 'GET') {
    count('s3:GetObject', key);
    const stored = objects.get(key);
    if (!stored) return xml(404, s3Error('NoSuchKey', 'The specified key does not exist.'));
    const headers = {
      etag: stored.etag,
      'content-type': 'application/json',
      'content-length': stored.body.length,
    };
    return { status: 200, headers, body: stored.body };
  }
  if (req.method === 'PUT') {
    count('s3:PutObject', key);
    const current = objects.get(key);
    const ifMatch = req.headers['if-match'];
    const ifNoneMatch = req.headers['if-none-match'];
    if ((ifNoneMatch === '*' && current) || (ifMatch !== undefined && current?.etag !== ifMatch)) {
      return xml(412, s3Error('PreconditionFailed', 'At least one precondition failed.'));
    }
    const etag = `"${randomUUID()}"`;
    objects.set(key, { body, etag });
    return { status: 200, headers: { etag } };
  }
  return xml(405, s3Error('MethodNotAllowed', `${req.method} is not simulated`));
}

function listResponse(objects: Map<string, StoredObject>, query: URLSearchParams): string {
  const prefix = query.get('prefix') ?? '';
  const startAfter = query.get('start-after') ?? '';
  const keys = [...objects.keys()].filter((key) => key.startsWith(prefix) && key > startAfter).sort();
  const contents = keys
    .map(
      (key) =>
        `<Contents><Key>${escapeXml(key)}</Key><Size>${objects.get(key)!.body.length}</Size></Contents>`,
    )
    .join('');
  return `<ListBucketResult><Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`;
}

function answerSecret(target: string, body: Buffer, secrets: Record<string, string>, count: Count): Answer {
  const { SecretId } = JSON.parse(body.toString('utf8')) as { SecretId: string };
  count('secretsmanager:GetSecretValue', SecretId);
  const secretString = secrets[SecretId];
  const json = (status: number, document: object): Answer => ({
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify(document),
  });
  if (target !== 'secretsmanager.GetSecretValue' || secretString === undefined) {
    return json(400, { __type: 'ResourceNotFoundException', message: `no secret ${SecretId}` });
  }
  return json(200, {
    ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${SecretId}-AbCdEf`,
    Name: SecretId,
    SecretString: secretString,
  });
}

/** What SNS meters: the message plus its attributes' names and values. */
function publishPayloadBytes(form: URLSearchParams): number {
  let bytes = Buffer.byteLength(form.get('Message') ?? '');
  for (const [name, value] of form) {
    if (/^MessageAttributes\.entry\.\d+\.(Name|Value\.StringValue)$/.test(name))
      bytes += Buffer.byteLength(value);
  }
  return bytes;
}

const publishResponse = (): string =>
  `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`;

const s3Error = (code: string, message: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><RequestId>${randomUUID()}</RequestId></Error>`;

const xml = (status: number, body: string): Answer => ({
  status,
  headers: { 'content-type': 'application/xml' },
  body,
});

const escapeXml = (text: string): string => text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
