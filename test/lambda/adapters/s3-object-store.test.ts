import { randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { S3ObjectStore } from '../../../lambda/adapters/s3-object-store.ts';
import { PreconditionFailedError } from '../../../lambda/ports/object-store.ts';
import {
  awsClientConfig,
  type MotoServer,
  motoAvailable,
  motoSkipReason,
  startMotoServer,
} from '../../support/moto-server.ts';
import { objectStoreContract } from './object-store-contract.ts';

if (!motoAvailable) console.warn(motoSkipReason);

describe.skipIf(!motoAvailable)('S3ObjectStore on the S3 wire protocol (moto_server)', () => {
  let moto: MotoServer;
  let client: S3Client;

  beforeAll(async () => {
    moto = await startMotoServer();
    // moto checks a conditional PUT and stores the object in separate steps on parallel request threads,
    // so two simultaneous PUTs from the same etag can both pass (seen under load); S3 itself serialises
    // them. One connection makes moto serve requests one at a time, so the contract's races test this
    // adapter, with 20 writes in flight: the losers must surface as PreconditionFailedError, retries converge.
    client = new S3Client({
      ...awsClientConfig(moto.endpoint),
      requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 1 }) },
    });
  });
  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
  });

  // A fresh bucket per test, so no test sees another's keys.
  objectStoreContract('S3ObjectStore', async () => {
    const bucket = `vendorwatch-${randomUUID()}`;
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    return { store: new S3ObjectStore(client, bucket), cleanup: () => emptyAndDelete(client, bucket) };
  });
});

async function emptyAndDelete(client: S3Client, bucket: string): Promise<void> {
  const { Contents = [] } = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
  if (Contents.length > 0) {
    await client.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: Contents.map(({ Key }) => ({ Key })) } }),
    );
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}

describe('S3ObjectStore with S3 faults moto cannot produce (stubbed client)', () => {
  const s3Error = (name: string, httpStatusCode: number) =>
    new S3ServiceException({
      name,
      message: `${name} from the stub`,
      $fault: httpStatusCode >= 500 ? 'server' : 'client',
      $metadata: { httpStatusCode },
    });

  const storeFailingWith = (error: S3ServiceException) => {
    const client = new S3Client({ region: 'us-east-1' });
    vi.spyOn(client, 'send').mockRejectedValue(error);
    return new S3ObjectStore(client, 'vendorwatch-evidence');
  };

  it('surfaces 503 SlowDown as the S3 error, not as a lost race', async () => {
    // Prepare
    const slowDown = s3Error('SlowDown', 503);
    const store = storeFailingWith(slowDown);

    // Act
    const put = store.put('state/miro.json', '{}', { ifMatch: '"abc"' });

    // Assess
    await expect(put).rejects.toBe(slowDown);
  });

  it('reports 409 ConditionalRequestConflict (a concurrent conditional write) as a lost race', async () => {
    // Prepare
    const store = storeFailingWith(s3Error('ConditionalRequestConflict', 409));

    // Act
    const put = store.put('state/miro.json', '{}', { ifNoneMatch: '*' });

    // Assess
    await expect(put).rejects.toEqual(new PreconditionFailedError('state/miro.json'));
  });
});
