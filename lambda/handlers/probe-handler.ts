import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { SecretsManagerSecretSource } from '../adapters/secrets-manager-secret-source.ts';
import { resolveCredentials } from '../monitor/credentials.ts';
import { storeResult } from '../monitor/result-store.ts';
import { cycleBudgetMs, probeVendor } from '../probe/probe-vendor.ts';
import { createRuntime, type Runtime } from './runtime.ts';
import { LOG_MESSAGE, METRIC, type ResultStoredLog } from './telemetry.ts';

export interface ProbeEvent {
  vendorId: string;
}

/** Time kept back from the Lambda timeout to store the result after the checks are cut short. */
const STORE_RESERVE_MS = 5_000;

export function probeHandler(runtime: Runtime, secrets: SecretsManagerSecretSource) {
  const { config, store, logger, metrics } = runtime;
  return async (event: ProbeEvent, context: Pick<Context, 'getRemainingTimeInMillis'>) => {
    const vendor = config.vendors.find((candidate) => candidate.id === event.vendorId);
    if (!vendor) throw new Error(`unknown vendorId "${event.vendorId}" in the schedule input`);
    const { credentials, problems } = await resolveCredentials([vendor], secrets);
    // Without its credential the probe would report a false auth failure; fail loudly so the monitor's own alarms page.
    if (problems.length > 0)
      throw new Error(problems.map((problem) => `${vendor.id}: ${problem.message}`).join('; '));

    const budgetMs = Math.min(cycleBudgetMs(vendor), context.getRemainingTimeInMillis() - STORE_RESERVE_MS);
    const result = await probeVendor(vendor, {
      credential: credentials.byVendor.get(vendor.id) ?? null,
      secrets: credentials.secrets,
      now: new Date(),
      budgetMs,
    });
    const key = await storeResult(store, result);

    const { severity, cause } = result.verdict;
    // Summed over vendors (see telemetry.ts); the log line below is what the dashboard reads per vendor.
    metrics.addMetric(METRIC.probeCompleted, MetricUnit.Count, 1);
    metrics.addMetric(METRIC.finding, MetricUnit.Count, severity ? 1 : 0);
    const line: ResultStoredLog = {
      vendor: vendor.id,
      key,
      severity: severity ?? undefined,
      cause,
      durationMs: result.durationMs,
      apiLatencyMs: result.checks.find((check) => check.name === 'api')?.latencyMs ?? undefined,
    };
    logger.info(LOG_MESSAGE.resultStored, line);
    return { key, severity, cause };
  };
}

const runtime = createRuntime();
export const handler = middy(
  probeHandler(runtime, new SecretsManagerSecretSource(new SecretsManagerClient({}))),
)
  .use(injectLambdaContext(runtime.logger))
  .use(logMetrics(runtime.metrics));
