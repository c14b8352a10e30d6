import {
  type MessageAttributeValue,
  PublishCommand,
  type PublishCommandInput,
  type SNSClient,
} from '@aws-sdk/client-sns';
import type { Notification, Topic } from '../core/notification.ts';
import type { Notifier } from '../ports/notifier.ts';

/** Publishes each notification to its topic; a failure propagates so the caller keeps it pending. */
export class SnsNotifier implements Notifier {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArns: Record<Topic, string>,
  ) {}

  async publish(notification: Notification): Promise<void> {
    await this.client.send(
      new PublishCommand(snsPublishInput(notification, this.topicArns[notification.topic])),
    );
  }
}

/**
 * One message per protocol (`MessageStructure: 'json'`): email subscribers get the text, machine
 * subscribers the event as JSON. Every attribute becomes a message attribute so subscription filter
 * policies can select by vendor, severity, status or event.
 */
export function snsPublishInput(notification: Notification, topicArn: string): PublishCommandInput {
  const { subject, text, event, attributes } = notification;
  const eventJson = JSON.stringify(event);
  const messages = {
    default: text,
    email: text,
    'email-json': eventJson,
    sqs: eventJson,
    lambda: eventJson,
    https: eventJson,
    http: eventJson,
  };
  return {
    TopicArn: topicArn,
    Subject: snsSubject(subject),
    MessageStructure: 'json',
    Message: JSON.stringify(messages),
    MessageAttributes: Object.fromEntries(
      Object.entries(attributes).map(([name, value]): [string, MessageAttributeValue] => [
        name,
        { DataType: 'String', StringValue: value },
      ]),
    ),
  };
}

/** SNS rejects a subject with anything but printable ASCII, or of 100 characters or more. */
const SUBJECT_MAX_LENGTH = 99;
const ELLIPSIS = '...';

function snsSubject(subject: string): string {
  const ascii = subject
    .normalize('NFKD')
    .replace(/\p{M}/gu, '') // é → e once decomposed
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();
  return ascii.length <= SUBJECT_MAX_LENGTH
    ? ascii
    : `${ascii.slice(0, SUBJECT_MAX_LENGTH - ELLIPSIS.length).trimEnd()}${ELLIPSIS}`;
}
