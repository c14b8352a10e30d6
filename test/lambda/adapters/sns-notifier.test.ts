import { randomUUID } from 'node:crypto';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SnsNotifier, snsPublishInput } from '../../../lambda/adapters/sns-notifier.ts';
import type { IncidentEvent, Notification, Topic } from '../../../lambda/core/notification.ts';
import {
  awsClientConfig,
  type MotoServer,
  motoAvailable,
  motoSkipReason,
  startMotoServer,
} from '../../support/moto-server.ts';

function notification(topic: Topic, event: Partial<IncidentEvent> = {}): Notification {
  const incident: IncidentEvent = {
    event: 'opened',
    vendor: 'miro',
    incidentId: 'miro-20261123T0900Z',
    severity: 'P1',
    previousSeverity: null,
    cause: 'vendor_outage',
    side: 'vendor',
    status: 'INVESTIGATING',
    at: '2026-11-23T09:00:00.000Z',
    openedAt: '2026-11-23T09:00:00.000Z',
    resolvedAt: null,
    summary: 'Miro API answers 503 on every attempt; status page says major outage',
    action: 'Wait for the vendor; tell users boards sync later',
    evidenceKey: 'results/vendor=miro/date=2026-11-23/hour=09/1795424400000-a1.json',
    dedupKey: randomUUID(),
    ...event,
  };
  return {
    topic,
    subject: `[${incident.severity}] ${incident.vendor} ${incident.cause} ${incident.status}`,
    text: `${incident.severity} INCIDENT: ${incident.vendor} integration (${incident.event})\nStatus: ${incident.status}`,
    event: incident,
    attributes: {
      vendor: incident.vendor,
      severity: incident.severity,
      status: incident.status,
      event: incident.event,
      incidentId: incident.incidentId,
      dedupKey: incident.dedupKey,
    },
  };
}

describe('snsPublishInput', () => {
  it('makes a long non-ASCII, multi-line subject printable ASCII under 100 characters', () => {
    // Prepare
    const long = notification('pager');
    long.subject = `[P1] Café Zürich — ${'très long '.repeat(20)}\nsecond line`;

    // Act
    const { Subject } = snsPublishInput(long, 'arn:aws:sns:us-east-1:123456789012:pager');

    // Assess
    expect(Subject).toMatch(/^[\x21-\x7e][\x20-\x7e]{0,98}$/);
    expect(Subject).toMatch(/^\[P1\] Cafe Zurich \? tres long tres long .*\.\.\.$/);
  });

  it('gives email subscribers the text and every other protocol the JSON event', () => {
    // Prepare
    const opened = notification('pager');

    // Act
    const input = snsPublishInput(opened, 'arn:aws:sns:us-east-1:123456789012:pager');

    // Assess
    const eventJson = JSON.stringify(opened.event);
    expect(input).toMatchObject({
      TopicArn: 'arn:aws:sns:us-east-1:123456789012:pager',
      MessageStructure: 'json',
    });
    expect(JSON.parse(input.Message!)).toEqual({
      default: opened.text,
      email: opened.text,
      'email-json': eventJson,
      sqs: eventJson,
      lambda: eventJson,
      https: eventJson,
      http: eventJson,
    });
  });
});

if (!motoAvailable) console.warn(motoSkipReason);

/** What an SQS subscriber without raw delivery receives: the SNS envelope. */
interface SnsEnvelope {
  TopicArn: string;
  Subject: string;
  Message: string;
  MessageAttributes: Record<string, { Type: string; Value: string }>;
}

describe.skipIf(!motoAvailable)('SnsNotifier on the SNS and SQS wire protocols (moto_server)', () => {
  let moto: MotoServer;
  let sns: SNSClient;
  let sqs: SQSClient;

  beforeAll(async () => {
    moto = await startMotoServer();
    sns = new SNSClient(awsClientConfig(moto.endpoint));
    sqs = new SQSClient(awsClientConfig(moto.endpoint));
  });
  afterAll(async () => {
    sns?.destroy();
    sqs?.destroy();
    await moto?.stop();
  });

  async function createTopic(name: string): Promise<string> {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `${name}-${randomUUID()}` }));
    return TopicArn!;
  }

  /** A queue subscribed to the topic, raw delivery off, like an https/lambda consumer would see it. */
  async function subscribedQueue(topicArn: string, filterPolicy?: object): Promise<string> {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `subscriber-${randomUUID()}` }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: Attributes!.QueueArn,
        Attributes: filterPolicy ? { FilterPolicy: JSON.stringify(filterPolicy) } : {},
      }),
    );
    return QueueUrl!;
  }

  async function received(queueUrl: string): Promise<SnsEnvelope[]> {
    const envelopes: SnsEnvelope[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) return envelopes;
      envelopes.push(...Messages.map((message) => JSON.parse(message.Body!) as SnsEnvelope));
    }
  }

  let topicArns: Record<Topic, string>;
  let notifier: SnsNotifier;
  beforeEach(async () => {
    topicArns = { pager: await createTopic('pager'), 'status-page': await createTopic('status-page') };
    notifier = new SnsNotifier(sns, topicArns);
  });

  it('delivers the JSON event, the subject and filterable attributes to a queue subscriber', async () => {
    // Prepare
    const queue = await subscribedQueue(topicArns.pager);
    const opened = notification('pager');

    // Act
    await notifier.publish(opened);

    // Assess
    const [envelope, ...others] = await received(queue);
    expect(others).toEqual([]);
    expect(envelope!.TopicArn).toBe(topicArns.pager);
    expect(envelope!.Subject).toBe('[P1] miro vendor_outage INVESTIGATING');
    expect(JSON.parse(envelope!.Message)).toEqual(opened.event);
    expect(envelope!.MessageAttributes).toEqual({
      vendor: { Type: 'String', Value: 'miro' },
      severity: { Type: 'String', Value: 'P1' },
      status: { Type: 'String', Value: 'INVESTIGATING' },
      event: { Type: 'String', Value: 'opened' },
      incidentId: { Type: 'String', Value: 'miro-20261123T0900Z' },
      dedupKey: { Type: 'String', Value: opened.event.dedupKey },
    });
  });

  it('lets a subscription filter on severity and event receive only what matches', async () => {
    // Prepare
    const everything = await subscribedQueue(topicArns.pager);
    const urgentChanges = await subscribedQueue(topicArns.pager, {
      severity: ['P1', 'P2'],
      event: ['opened', 'resolved'],
    });
    const openedP1 = notification('pager', { event: 'opened', severity: 'P1' });
    const openedP3 = notification('pager', { event: 'opened', severity: 'P3', cause: 'not_found' });
    const reminderP2 = notification('pager', { event: 'reminder', severity: 'P2' });
    const resolvedP2 = notification('pager', { event: 'resolved', severity: 'P2', status: 'RESOLVED' });

    // Act
    for (const sent of [openedP1, openedP3, reminderP2, resolvedP2]) await notifier.publish(sent);

    // Assess
    const dedupKeysIn = async (queue: string) =>
      (await received(queue)).map((envelope) => envelope.MessageAttributes.dedupKey!.Value).sort();
    const dedupKeysOf = (...sent: Notification[]) => sent.map((one) => one.event.dedupKey).sort();
    expect(await dedupKeysIn(urgentChanges)).toEqual(dedupKeysOf(openedP1, resolvedP2));
    expect(await dedupKeysIn(everything)).toEqual(dedupKeysOf(openedP1, openedP3, reminderP2, resolvedP2));
  });

  it('publishes each notification to its own topic only', async () => {
    // Prepare
    const pagerQueue = await subscribedQueue(topicArns.pager);
    const statusPageQueue = await subscribedQueue(topicArns['status-page']);
    const external = notification('status-page');

    // Act
    await notifier.publish(external);

    // Assess
    expect(await received(pagerQueue)).toEqual([]);
    expect((await received(statusPageQueue)).map((envelope) => envelope.TopicArn)).toEqual([
      topicArns['status-page'],
    ]);
  });

  it('fails, so the caller keeps the notification pending, when SNS refuses it', async () => {
    // Prepare
    const missingTopic = new SnsNotifier(sns, { ...topicArns, pager: `${topicArns.pager}-deleted` });

    // Act
    const publish = missingTopic.publish(notification('pager'));

    // Assess
    await expect(publish).rejects.toMatchObject({ name: 'NotFoundException' });
  });
});
