import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { VendorConfig } from '../lambda/config/profiles.ts';
import { cycleBudgetMs } from '../lambda/probe/probe-vendor.ts';
import type { DeployConfig } from './deploy-config.ts';
import { MonitorFunction } from './monitor-function.ts';
import { VENDOR_FIELD } from './monitor-log-queries.ts';

export interface ProbeFunctionProps {
  /** The config the function probes by; its secret references decide what it may read. */
  readonly deployConfig: DeployConfig;
  /** Where results are written, under `results/`. */
  readonly bucket: IBucket;
}

/**
 * Runs one probe cycle for the vendor named in its input and stores the result: it may write
 * `results/*` and read exactly the secrets the config references, nothing else.
 */
export class ProbeFunction extends MonitorFunction {
  constructor(scope: Construct, id: string, props: ProbeFunctionProps) {
    super(scope, id, {
      handlerFile: 'probe-handler.ts',
      description: 'vendorwatch: probes one vendor and stores the result with its evidence',
      configDocument: props.deployConfig.document,
      environment: { RESULTS_BUCKET: props.bucket.bucketName },
      timeout: probeTimeout(props.deployConfig.config.vendors),
      // The next scheduled cycle is the retry: a late probe would only report stale timings.
      retryAttempts: 0,
      maxEventAge: Duration.minutes(props.deployConfig.config.schedule.everyMinutes),
      // The dashboard's per-vendor widgets filter on it: indexed, each scans its vendor's lines only.
      indexedLogFields: [VENDOR_FIELD],
    });
    this.allowObjects(props.bucket, { write: ['results/'] });
    const secrets = referencedSecrets(this, props.deployConfig.config.vendors);
    if (secrets.length > 0) {
      this.lambdaFunction.addToRolePolicy(
        new PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          // A name or partial ARN matches the secret whatever random suffix Secrets Manager gave it.
          resources: secrets.map((secret) => secret.secretFullArn ?? `${secret.secretArn}-??????`),
        }),
      );
    }
  }
}

/** Time a run needs besides the checks: cold start, the secret read and the store PUT. */
const RUN_OVERHEAD_SECONDS = 30;

/**
 * The slowest vendor's cycle (3 × checkMs + retryDelayMs + confirmAfterMs: 52 s with default timeouts)
 * plus overhead, so 82 s by default; longer when a vendor's timeouts are raised, up to Lambda's 15
 * minutes. Only failing cycles run that long, and Lambda bills the time used, not the timeout.
 */
function probeTimeout(vendors: readonly VendorConfig[]): Duration {
  const slowestCycle = Math.max(...vendors.map((vendor) => Math.ceil(cycleBudgetMs(vendor) / 1000)));
  return Duration.seconds(Math.min(900, Math.max(60, slowestCycle + RUN_OVERHEAD_SECONDS)));
}

/** A complete secret ARN ends in the six random characters Secrets Manager appends to the name. */
const COMPLETE_SECRET_ARN = /-[A-Za-z0-9]{6}$/;

/** Each secret the vendors reference, once; `{env}` references never reach a deployable config. */
function referencedSecrets(scope: Construct, vendors: readonly VendorConfig[]): ISecret[] {
  const references = new Set<string>();
  for (const vendor of vendors) {
    if (vendor.auth && 'secret' in vendor.auth.secret) references.add(vendor.auth.secret.secret);
  }
  return [...references].map((reference, index) => {
    const id = `Secret${index}`;
    if (!reference.startsWith('arn:')) return Secret.fromSecretNameV2(scope, id, reference);
    return COMPLETE_SECRET_ARN.test(reference)
      ? Secret.fromSecretCompleteArn(scope, id, reference)
      : Secret.fromSecretPartialArn(scope, id, reference);
  });
}
