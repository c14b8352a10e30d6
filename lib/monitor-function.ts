import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { FieldIndexPolicy, LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { CfnBucket, IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue.ts';

/** The repository root: esbuild runs there, whatever directory `cdk` was started from. */
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface MonitorFunctionProps {
  /** Handler file under `lambda/handlers/`, e.g. `probe-handler.ts`; it exports `handler`. */
  readonly handlerFile: string;
  /** What the function does, shown in the Lambda console. */
  readonly description: string;
  /** The config document, inlined into the bundle as `process.env.VENDORWATCH_CONFIG`. */
  readonly configDocument: string;
  /** Environment variables besides the config. */
  readonly environment: Record<string, string>;
  /** Longest run the handler needs. */
  readonly timeout: Duration;
  /**
   * Memory; it also buys CPU for TLS handshakes and JSON work.
   * @default 256
   */
  readonly memorySize?: number;
  /** How often Lambda retries a failed asynchronous invocation before it goes to the dead-letter queue. */
  readonly retryAttempts: number;
  /**
   * How long an asynchronous invocation may wait for a first or retried run.
   * @default Duration.hours(6)
   */
  readonly maxEventAge?: Duration;
  /**
   * How long the function's logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Log fields to index, so a Logs Insights query filtering on one (`vendor = "miro"`) scans only the
   * events that match instead of the whole log group.
   * @default none
   */
  readonly indexedLogFields?: readonly string[];
}

/**
 * One vendorwatch handler as a Lambda function: bundled locally by esbuild (no Docker), ARM64, with
 * its own log group, its own role (logs and whatever its owner grants, nothing managed) and a
 * dead-letter queue for asynchronous invocations that failed every retry.
 */
export class MonitorFunction extends Construct {
  /** The function; its role starts with log writing only. */
  readonly lambdaFunction: NodejsFunction;
  /** Where failed asynchronous invocations end up. */
  readonly deadLetterQueue: DeadLetterQueue;
  /** The handler's structured logs, for the dashboard's Logs Insights widgets. */
  readonly logGroup: LogGroup;
  private readonly role: Role;

  constructor(scope: Construct, id: string, props: MonitorFunctionProps) {
    super(scope, id);
    const indexedFields = props.indexedLogFields ?? [];
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      // Evidence lives in the bucket; logs serve debugging the monitor and the dashboard's queries.
      removalPolicy: RemovalPolicy.DESTROY,
      fieldIndexPolicies:
        indexedFields.length > 0 ? [new FieldIndexPolicy({ fields: [...indexedFields] })] : undefined,
    });
    // An explicit role keeps AWSLambdaBasicExecutionRole (logs:* on every group) out.
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    this.logGroup.grantWrite(this.role);
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetterQueue');

    this.lambdaFunction = new NodejsFunction(this, 'Function', {
      entry: join(PROJECT_ROOT, 'lambda', 'handlers', props.handlerFile),
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      // The latest Node.js runtime: cdk-nag's AwsSolutions-L1 asks for it, and it is supported the longest.
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: props.retryAttempts,
      maxEventAge: props.maxEventAge,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      bundling: {
        format: OutputFormat.ESM,
        // Some CommonJS dependencies call require(); ESM output has none unless the banner makes one.
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        // Stack traces need file and line, not the sources: keeps the bundle small.
        sourcesContent: false,
        // The SDK clients are bundled, not taken from the runtime: the state function relies on S3
        // conditional writes (If-Match / If-None-Match), so it runs the client version package-lock.json
        // pins and the tests ran, whatever the runtime ships this month. Tree-shaken ESM keeps it small.
        bundleAwsSDK: true,
        define: { 'process.env.VENDORWATCH_CONFIG': JSON.stringify(props.configDocument) },
      },
    });
  }

  /**
   * Allows reading and writing objects under key prefixes (`results/`, `state/`…) of the bucket.
   * The `*` after each prefix is the scope itself, so cdk-nag's wildcard finding is acknowledged.
   */
  protected allowObjects(
    bucket: IBucket,
    access: { read?: readonly string[]; write?: readonly string[] },
  ): void {
    const { read = [], write = [] } = access;
    for (const [action, prefixes] of [
      ['s3:GetObject', read],
      ['s3:PutObject', write],
    ] as const) {
      if (prefixes.length === 0) continue;
      const resources = prefixes.map((prefix) => bucket.arnForObjects(`${prefix}*`));
      this.lambdaFunction.addToRolePolicy(new PolicyStatement({ actions: [action], resources }));
    }
    const bucketId = Stack.of(this).getLogicalId(bucket.node.defaultChild as CfnBucket);
    for (const prefix of new Set([...read, ...write])) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
        reason: `Objects under the ${prefix} prefix only: the key layout puts each kind of record under its own prefix.`,
      });
    }
  }
}
