import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ObjectStore } from '../adapters/s3-object-store.ts';
import type { Config } from '../config/load-config.ts';
import { SERVICE } from './telemetry.ts';

/** Read once per cold start; a missing setting fails the init loudly rather than every invocation quietly. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** What both functions share: the config inlined at bundle time, the bucket, a logger and metrics. */
export interface Runtime {
  config: Config;
  store: S3ObjectStore;
  logger: Logger;
  metrics: Metrics;
}

/**
 * The config validated at synth time with every default filled in (lib/deploy-config.ts), inlined
 * into the bundle: the functions trust it and carry no schema library.
 */
function inlinedConfig(): Config {
  // The literal expression on purpose: esbuild's `define` replaces exactly `process.env.VENDORWATCH_CONFIG`.
  const text = process.env.VENDORWATCH_CONFIG;
  if (!text) throw new Error('VENDORWATCH_CONFIG is not set: the bundle was built without its config');
  return JSON.parse(text) as Config;
}

export function createRuntime(): Runtime {
  return {
    config: inlinedConfig(),
    store: new S3ObjectStore(new S3Client({}), requireEnv('RESULTS_BUCKET')),
    logger: new Logger({ serviceName: SERVICE }),
    metrics: new Metrics({ namespace: SERVICE, serviceName: SERVICE }),
  };
}
