import { Agent } from 'node:http';
import { Readable } from 'node:stream';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { IncidentEvent, Topic } from '../../../lambda/core/notification.ts';
import { awsClientConfig } from '../../support/moto-server.ts';

type Request = Parameters<NodeHttpHandler['handle']>[0];

/** One answer moto cannot give (503 SlowDown, throttling, 500s on demand), for the next `times` calls. */
export interface Fault {
  /** `PutObject`, `GetObject`, `Publish`, `GetSecretValue`… */
  operation: string;
  /** Only requests whose path contains this (an S3 key prefix, say). */
  pathContains?: string;
  times: number;
  status: number;
  /** The error body, in the service's own wire format. */
  body: string;
  contentType: string;
}

export const s3Error = (status: number, code: string, operation = 'PutObject', times = 1): Fault => ({
  operation,
  times,
  status,
  body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>injected ${code}</Message><RequestId>injected</RequestId></Error>`,
  contentType: 'application/xml',
});

export const snsError = (status: number, code: string, times: number): Fault => ({
  operation: 'Publish',
  times,
  status,
  body: `<ErrorResponse><Error><Type>${status < 500 ? 'Sender' : 'Receiver'}</Type><Code>${code}</Code><Message>injected ${code}</Message></Error><RequestId>injected</RequestId></ErrorResponse>`,
  contentType: 'text/xml',
});

export const secretsManagerError = (code: string, times: number): Fault => ({
  operation: 'GetSecretValue',
  times,
  status: 500,
  body: JSON.stringify({ __type: code, message: `injected ${code}` }),
  contentType: 'application/x-amz-json-1.1',
});

/** The AWS operation a request performs, whatever the service's protocol. */
function operationOf(request: Request): string {
  const target = request.headers['x-amz-target'];
  if (target) return target.split('.').at(-1)!;
  const xId = request.query?.['x-id'];
  if (typeof xId === 'string') return xId;
  const action = typeof request.body === 'string' ? /(?:^|&)Action=(\w+)/.exec(request.body)?.[1] : undefined;
  return action ?? `${request.method} ${request.path}`;
}

/**
 * The real SDK HTTP handler in front of moto, answering planned faults itself: the SDK's own retry
 * strategy and error parsing see exactly what AWS would send. Counts every fault it served.
 */
export class FaultInjector extends NodeHttpHandler {
  private readonly plan: Fault[] = [];
  readonly served: Record<string, number> = {};

  inject(...faults: Fault[]): void {
    this.plan.push(...faults.map((fault) => ({ ...fault })));
  }

  override async handle(request: Request, options?: Parameters<NodeHttpHandler['handle']>[1]) {
    const operation = operationOf(request);
    const fault = this.plan.find(
      (candidate) =>
        candidate.times > 0 &&
        candidate.operation === operation &&
        (!candidate.pathContains || decodeURIComponent(request.path).includes(candidate.pathContains)),
    );
    if (!fault) return super.handle(request, options);
    fault.times -= 1;
    const name = `${operation} ${fault.status}`;
    this.served[name] = (this.served[name] ?? 0) + 1;
    return {
      response: {
        statusCode: fault.status,
        headers: { 'content-type': fault.contentType, 'x-amzn-requestid': 'injected' },
        body: Readable.from([Buffer.from(fault.body)]),
      },
    };
  }
}

/** Clients and resources of one test file's AWS, on moto. */
export interface Aws {
  s3: S3Client;
  sns: SNSClient;
  sqs: SQSClient;
  secrets: SecretsManagerClient;
  faults: FaultInjector;
  bucket: string;
  topics: Record<Topic, string>;
  queueUrl: string;
}

export async function setUpAws(endpoint: string, bucket = 'vendorwatch-evidence'): Promise<Aws> {
  // moto_server answers concurrent conditional PUTs on separate connections without serialising them,
  // so two writers racing from one ETag can both win. One connection makes moto see the requests one
  // after another, as S3 itself orders them; the writers' read-modify-write cycles still interleave.
  const faults = new FaultInjector({ httpAgent: new Agent({ keepAlive: true, maxSockets: 1 }) });
  const config = { ...awsClientConfig(endpoint), requestHandler: faults };
  const aws = {
    s3: new S3Client(config),
    sns: new SNSClient(config),
    sqs: new SQSClient(awsClientConfig(endpoint)),
    secrets: new SecretsManagerClient(config),
    faults,
    bucket,
  };
  await aws.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const topicArn = async (Name: string) => (await aws.sns.send(new CreateTopicCommand({ Name }))).TopicArn!;
  const topics = { pager: await topicArn('pager'), 'status-page': await topicArn('status-page') };
  const queueUrl = (await aws.sqs.send(new CreateQueueCommand({ QueueName: 'inbox' }))).QueueUrl!;
  const { Attributes } = await aws.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  for (const TopicArn of Object.values(topics)) {
    await aws.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes!.QueueArn }));
  }
  return { ...aws, topics, queueUrl };
}

/** One message a subscriber received: which topic, and the event with its dedupKey. */
export interface Delivered {
  topic: Topic;
  event: IncidentEvent;
  /** The SQS message body as received: SNS's envelope around the published message. */
  body: string;
}

/** Empties the subscriber queue and returns what SNS delivered since the last call. */
export async function drainInbox(aws: Aws): Promise<Delivered[]> {
  const topicOf = Object.fromEntries(Object.entries(aws.topics).map(([topic, arn]) => [arn, topic as Topic]));
  const delivered: Delivered[] = [];
  for (;;) {
    const { Messages = [] } = await aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: aws.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return delivered;
    for (const message of Messages) {
      const envelope = JSON.parse(message.Body!) as { TopicArn: string; Message: string };
      delivered.push({
        topic: topicOf[envelope.TopicArn]!,
        event: JSON.parse(envelope.Message),
        body: message.Body!,
      });
    }
    await aws.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: aws.queueUrl,
        Entries: Messages.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle!,
        })),
      }),
    );
  }
}

/** Every object under a prefix, key → body. */
export async function objectsUnder(aws: Aws, prefix: string): Promise<Record<string, string>> {
  const { Contents = [] } = await aws.s3.send(
    new ListObjectsV2Command({ Bucket: aws.bucket, Prefix: prefix }),
  );
  const entries = await Promise.all(
    Contents.map(async ({ Key }) => {
      const object = await aws.s3.send(new GetObjectCommand({ Bucket: aws.bucket, Key }));
      return [Key!, await object.Body!.transformToString()] as const;
    }),
  );
  return Object.fromEntries(entries);
}
