import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lambda/config/load-config.ts';
import type { SimulatorMode } from '../../../lambda/simulator/vendor-simulator.ts';
import { startSimulator, type VendorSimulator } from '../../../lambda/simulator/vendor-simulator.ts';
import {
  awsClientConfig,
  type MotoServer,
  motoAvailable,
  motoSkipReason,
  startMotoServer,
} from '../../support/moto-server.ts';

if (!motoAvailable) console.warn(motoSkipReason);

// A credential with characters that need escaping in JSON, URLs and headers.
const SECRET = 'miro-Tok3n/+="quoted"&%';
const BUCKET = 'vendorwatch-evidence';

type Handler<E> = (event: E, context: Context) => Promise<unknown>;

describe.skipIf(!motoAvailable)(
  'probe handler → S3 event → state handler, on the real wire protocols',
  () => {
    let moto: MotoServer;
    let simulator: VendorSimulator;
    let probe: Handler<{ vendorId: string }>;
    let state: Handler<S3Event>;
    let s3: S3Client;
    let sqs: SQSClient;
    let pagerQueueUrl: string;
    const logged: string[] = [];
    const writeStdout = process.stdout.write.bind(process.stdout);

    beforeAll(async () => {
      [moto, simulator] = await Promise.all([
        startMotoServer(),
        startSimulator({ vendors: [{ id: 'miro', kind: 'miro', credential: SECRET }] }),
      ]);
      const aws = awsClientConfig(moto.endpoint);
      s3 = new S3Client(aws);
      sqs = new SQSClient(aws);
      const sns = new SNSClient(aws);
      await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
      await new SecretsManagerClient(aws).send(
        new CreateSecretCommand({
          Name: 'vendorwatch/miro',
          SecretString: JSON.stringify({ accessToken: SECRET }),
        }),
      );
      const [pager, statusPage] = await Promise.all(
        ['pager', 'status-page'].map(
          async (Name) => (await sns.send(new CreateTopicCommand({ Name }))).TopicArn!,
        ),
      );
      pagerQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'pager-inbox' }))).QueueUrl!;
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: pagerQueueUrl, AttributeNames: ['QueueArn'] }),
      );
      await sns.send(
        new SubscribeCommand({ TopicArn: pager, Protocol: 'sqs', Endpoint: Attributes!.QueueArn }),
      );

      // The handlers read their settings once at init, exactly as in Lambda.
      Object.assign(process.env, {
        AWS_ENDPOINT_URL: moto.endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        RESULTS_BUCKET: BUCKET,
        PAGER_TOPIC_ARN: pager,
        STATUS_PAGE_TOPIC_ARN: statusPage,
        POWERTOOLS_DEV: 'false',
        // What the stack inlines: the config validated at synth, defaults filled in.
        VENDORWATCH_CONFIG: JSON.stringify(
          parseConfig(
            JSON.stringify({
              vendors: [
                {
                  id: 'miro',
                  profile: 'miro',
                  statusPage: simulator.statusPageUrl('miro'),
                  apiBase: simulator.apiBaseUrl('miro'),
                  auth: { token: { secret: 'vendorwatch/miro', field: 'accessToken' } },
                  timeouts: { checkMs: 5_000, retryDelayMs: 20 },
                },
              ],
              policy: { openAfter: 2, resolveAfter: 3 },
            }),
            'test config',
          ),
        ),
      });
      // Powertools writes logs and EMF metrics to stdout: keep them to prove no secret is logged.
      process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
        logged.push(String(chunk));
        return writeStdout(chunk, ...rest);
      }) as typeof process.stdout.write;
      probe = (await import('../../../lambda/handlers/probe-handler.ts')).handler as Handler<{
        vendorId: string;
      }>;
      state = (await import('../../../lambda/handlers/state-handler.ts')).handler as Handler<S3Event>;
    }, 60_000);

    afterAll(async () => {
      process.stdout.write = writeStdout;
      await Promise.all([moto?.stop(), simulator?.close()]);
    });

    const context = {
      functionName: 'vendorwatch-test',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:vendorwatch-test',
      memoryLimitInMB: '256',
      awsRequestId: 'request-id',
      getRemainingTimeInMillis: () => 60_000,
    } as unknown as Context;

    const s3Event = (key: string): S3Event =>
      ({
        Records: [
          { s3: { bucket: { name: BUCKET }, object: { key: encodeURIComponent(key).replace(/%2F/g, '/') } } },
        ],
      }) as unknown as S3Event;

    async function cycle(mode: SimulatorMode): Promise<void> {
      simulator.setMode('miro', mode);
      const { key } = (await probe({ vendorId: 'miro' }, context)) as { key: string };
      await state(s3Event(key), context);
    }

    async function allObjects(): Promise<Record<string, string>> {
      const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
      const bodies = await Promise.all(
        Contents.map(async ({ Key }) => [
          Key!,
          await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key }))).Body!.transformToString(),
        ]),
      );
      return Object.fromEntries(bodies);
    }

    it('an outage and its recovery make one incident, its pages, its postmortem, and no secret anywhere', async () => {
      for (const mode of ['healthy', 'outage', 'outage', 'outage', 'healthy', 'healthy', 'healthy'] as const)
        await cycle(mode);

      const objects = await allObjects();
      const keys = Object.keys(objects);
      expect(keys.filter((key) => key.startsWith('results/vendor=miro/'))).toHaveLength(7);
      const incidents = keys.filter((key) => key.startsWith('incidents/vendor=miro/'));
      expect(incidents).toHaveLength(1);
      expect(JSON.parse(objects[incidents[0]!]!)).toMatchObject({
        status: 'RESOLVED',
        cause: 'vendor_outage',
        severity: 'P1',
      });
      expect(
        keys.filter((key) => key.startsWith('postmortems/vendor=miro/') && key.endsWith('.md')),
      ).toHaveLength(1);
      expect(
        keys.filter((key) => key.startsWith('postmortems/vendor=miro/') && key.endsWith('.svg')),
      ).toHaveLength(1);
      expect(JSON.parse(objects['state/miro.json']!).outbox).toEqual([]);

      const received = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: pagerQueueUrl, MaxNumberOfMessages: 10 }),
      );
      const pages = (received.Messages ?? []).map((message) => JSON.parse(message.Body!));
      const events = pages.map((page) => JSON.parse(page.Message).event);
      expect(events.filter((event: string) => event === 'opened')).toHaveLength(1);
      expect(events.filter((event: string) => event === 'resolved')).toHaveLength(1);

      const everything = [
        ...Object.values(objects),
        ...pages.map((page) => JSON.stringify(page)),
        ...logged,
      ].join('\n');
      expect(simulator.requests.some((request) => request.headers.authorization === `Bearer ${SECRET}`)).toBe(
        true,
      );
      for (const form of [SECRET, encodeURIComponent(SECRET), JSON.stringify(SECRET).slice(1, -1)]) {
        expect(everything).not.toContain(form);
      }
      expect(logged.join('')).toContain('"ProbeCompleted"');
    });

    it('a duplicate S3 event changes nothing and sends nothing', async () => {
      simulator.setMode('miro', 'outage');
      const { key } = (await probe({ vendorId: 'miro' }, context)) as { key: string };
      await state(s3Event(key), context);
      const before = (await allObjects())['state/miro.json'];
      const drained = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: pagerQueueUrl, MaxNumberOfMessages: 10 }),
      );
      expect(drained.Messages?.length).toBeGreaterThan(0);

      await state(s3Event(key), context);

      expect((await allObjects())['state/miro.json']).toBe(before);
      const after = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: pagerQueueUrl, MaxNumberOfMessages: 10 }),
      );
      expect(after.Messages ?? []).toEqual([]);
    });
  },
);
