import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import type { S3Event } from 'aws-lambda';
import { SnsNotifier } from '../adapters/sns-notifier.ts';
import { parseResultKey } from '../core/storage-layout.ts';
import { readResult } from '../monitor/result-store.ts';
import { applyResult } from '../monitor/vendor-monitor.ts';
import type { Notifier } from '../ports/notifier.ts';
import { createRuntime, type Runtime, requireEnv } from './runtime.ts';
import { type IncidentEventLog, LOG_MESSAGE, METRIC } from './telemetry.ts';

/** S3 event keys are URL-encoded with `+` for spaces. */
const objectKey = (encoded: string): string => decodeURIComponent(encoded.replace(/\+/g, ' '));

export function stateHandler(runtime: Runtime, notifier: Notifier) {
  const { config, store, logger, metrics } = runtime;
  return async (event: S3Event) => {
    for (const record of event.Records) {
      const key = objectKey(record.s3.object.key);
      if (!parseResultKey(key)) {
        logger.warn('not a result key, ignored', { key });
        continue;
      }
      const result = await readResult(store, key);
      if (!result) {
        logger.warn('result no longer stored, ignored', { key });
        continue;
      }
      // Throws when delivery fails: Lambda retries the event, the duplicate result changes nothing,
      // and the retry delivers what is still pending in the state's outbox.
      const { changes, incidentOpen } = await applyResult({ store, notifier, config }, result, key);
      // One value per result, no vendor dimension: the dashboard turns their average into a count.
      metrics.addMetric(METRIC.openIncidents, MetricUnit.Count, incidentOpen ? 1 : 0);
      for (const change of changes) {
        const line: IncidentEventLog = {
          vendor: result.vendor,
          incidentId: change.incident.id,
          event: change.event,
          severity: change.incident.severity,
        };
        logger.info(LOG_MESSAGE.incidentEvent, line);
      }
    }
  };
}

const runtime = createRuntime();
const notifier = new SnsNotifier(new SNSClient({}), {
  pager: requireEnv('PAGER_TOPIC_ARN'),
  'status-page': requireEnv('STATUS_PAGE_TOPIC_ARN'),
});
export const handler = middy(stateHandler(runtime, notifier))
  .use(injectLambdaContext(runtime.logger))
  .use(logMetrics(runtime.metrics));
