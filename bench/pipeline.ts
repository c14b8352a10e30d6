import { performance } from 'node:perf_hooks';
import type { Context, S3Event } from 'aws-lambda';
import { STATE_PREFIX } from '../lambda/core/storage-layout.ts';
import type { SimulatorMode } from '../lambda/simulator/vendor-simulator.ts';
import { SECRET_ID, SECRET_STRING, startBenchVendor, VENDOR_ID } from './bench-vendor.ts';
import { type BilledOperation, type BilledRequest, startFakeAws } from './fake-aws.ts';

/**
 * The deployed code path, cycle by cycle: the probe Lambda's handler (middy, Powertools, Secrets
 * Manager, S3 adapter) probes the simulator and stores its result; the state Lambda's handler gets
 * the S3 event, applies it and publishes through SNS. AWS is the wire-level fake, so every request
 * is counted, every log line captured, every handler run timed. Nothing here is modelled.
 */

export interface PhaseScript {
  phase: string;
  mode: SimulatorMode;
  cycles: number;
}

/** A vendor's life in cycles: settling, a long quiet stretch, an outage, recovery. */
export const SCRIPT: readonly PhaseScript[] = [
  { phase: 'first cycle (no state yet)', mode: 'healthy', cycles: 1 },
  { phase: 'settling (okStreak counting up)', mode: 'healthy', cycles: 3 },
  { phase: 'steady healthy', mode: 'healthy', cycles: 20 },
  { phase: 'outage: opening cycle', mode: 'outage', cycles: 1 },
  { phase: 'outage: ongoing', mode: 'outage', cycles: 3 },
  { phase: 'recovery: monitoring', mode: 'healthy', cycles: 2 },
  { phase: 'recovery: resolves (postmortem)', mode: 'healthy', cycles: 1 },
];
export const STEADY_PHASE = 'steady healthy';
export const OPENING_PHASE = 'outage: opening cycle';

export interface CycleMeasurement {
  phase: string;
  requests: readonly BilledRequest[];
  probeMs: number;
  stateMs: number;
  /** Bytes both handlers wrote to stdout/stderr (what Lambda ships to CloudWatch Logs), platform lines excluded. */
  logBytes: number;
  /** Lines written: each is one log event. */
  logEvents: number;
  /** Size of the stored result object. */
  resultBytes: number;
}

/** One CloudWatch metric series: CloudWatch bills each distinct one as a custom metric. */
export interface MetricSeries {
  namespace: string;
  name: string;
  /** Dimension name → value. */
  dimensions: Record<string, string>;
}

export interface PipelineMeasurements {
  cycles: CycleMeasurement[];
  /** Distinct CloudWatch metric series the handlers emitted through EMF. */
  metricSeries: MetricSeries[];
  /** Bytes of each SNS message published. */
  publishedBytes: readonly number[];
}

export const countOf = (requests: readonly BilledRequest[], operation: BilledOperation): number =>
  requests.filter((request) => request.operation === operation).length;

export const stateWritesOf = (requests: readonly BilledRequest[]): number =>
  requests.filter(
    (request) => request.operation === 's3:PutObject' && request.target.startsWith(STATE_PREFIX),
  ).length;

export const cyclesIn = (measurements: PipelineMeasurements, phase: string): CycleMeasurement[] =>
  measurements.cycles.filter((cycle) => cycle.phase === phase);

const BUCKET = 'vendorwatch-bench-evidence';
const TOPIC_ARN = (name: string) => `arn:aws:sns:us-east-1:000000000000:vendorwatch-${name}`;
/** The stack's function settings that show in the handlers' behaviour and log lines (lib/*-function.ts). */
const FUNCTIONS = {
  probe: { name: 'Vendorwatch-ProbeFunction3C5B6C2A-Q1w2E3r4T5y6', memoryMb: 256, timeoutMs: 60_000 },
  state: { name: 'Vendorwatch-StateFunction9D8E7F6A-U7i8O9p0A1s2', memoryMb: 256, timeoutMs: 30_000 },
} as const;

export async function measurePipeline(): Promise<PipelineMeasurements> {
  const bench = await startBenchVendor();
  const aws = await startFakeAws({ secrets: { [SECRET_ID]: SECRET_STRING } });
  const restoreEnv = setEnv({
    VENDORWATCH_CONFIG: bench.functionConfigDocument,
    RESULTS_BUCKET: BUCKET,
    PAGER_TOPIC_ARN: TOPIC_ARN('pager'),
    STATUS_PAGE_TOPIC_ARN: TOPIC_ARN('status-page'),
    AWS_ENDPOINT_URL: aws.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    // Lambda sets it for every invocation and Powertools copies it into each log line: it counts in log bytes.
    _X_AMZN_TRACE_ID: 'Root=1-6741a3f0-5e1d2c3b4a5f6e7d8c9b0a1f;Parent=53995c3f42cd8ad8;Sampled=0',
  });
  try {
    // Imported only now: both handlers read their settings at module load, as on a cold start.
    const { handler: probe } = await import('../lambda/handlers/probe-handler.ts');
    const { handler: state } = await import('../lambda/handlers/state-handler.ts');
    const cycles: CycleMeasurement[] = [];
    const emfLines: string[] = [];
    let invocation = 0;
    for (const { phase, mode, cycles: count } of SCRIPT) {
      bench.setMode(mode);
      for (let index = 0; index < count; index++) {
        invocation += 1;
        const probeRun = await captureOutput(() =>
          probe({ vendorId: VENDOR_ID }, lambdaContext(FUNCTIONS.probe, invocation)),
        );
        const { key } = probeRun.value;
        const stateRun = await captureOutput(() =>
          state(objectCreated(key), lambdaContext(FUNCTIONS.state, invocation)),
        );
        const output = probeRun.output + stateRun.output;
        emfLines.push(...output.split('\n').filter((line) => line.includes('"_aws"')));
        cycles.push({
          phase,
          requests: aws.takeRequests(),
          probeMs: probeRun.ms,
          stateMs: stateRun.ms,
          logBytes: Buffer.byteLength(output),
          logEvents: output.split('\n').filter((line) => line.trim() !== '').length,
          resultBytes: aws.objectBytes(key) ?? 0,
        });
      }
    }
    return { cycles, metricSeries: metricSeriesOf(emfLines), publishedBytes: [...aws.publishedBytes] };
  } finally {
    restoreEnv();
    await Promise.all([aws.close(), bench.close()]);
  }
}

/** Sets environment variables; the returned function puts back what was there before. */
function setEnv(values: Record<string, string>): () => void {
  const previous = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  Object.assign(process.env, values);
  return () => {
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/**
 * Runs a handler with stdout and stderr captured instead of printed: Lambda ships both to CloudWatch
 * Logs, so their bytes are what log ingestion bills.
 */
async function captureOutput<T>(run: () => Promise<T>): Promise<{ value: T; ms: number; output: string }> {
  const chunks: string[] = [];
  const capture = (chunk: string | Uint8Array): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const { stdout, stderr } = process;
  const writes = { stdout: stdout.write, stderr: stderr.write };
  stdout.write = capture;
  stderr.write = capture;
  const started = performance.now();
  try {
    const value = await run();
    return { value, ms: performance.now() - started, output: chunks.join('') };
  } finally {
    stdout.write = writes.stdout;
    stderr.write = writes.stderr;
  }
}

function lambdaContext(
  fn: { name: string; memoryMb: number; timeoutMs: number },
  invocation: number,
): Context {
  const started = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${fn.name}`,
    memoryLimitInMB: String(fn.memoryMb),
    awsRequestId: `6f7a1c2e-3b4d-4e5f-8a9b-${String(invocation).padStart(12, '0')}`,
    logGroupName: `/aws/lambda/${fn.name}`,
    logStreamName: '2026/11/23/[$LATEST]0f1e2d3c4b5a69788796a5b4c3d2e1f0',
    getRemainingTimeInMillis: () => fn.timeoutMs - (Date.now() - started),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The notification S3 sends the state function for a stored result; the key is URL-encoded as S3 does. */
function objectCreated(key: string): S3Event {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: new Date().toISOString(),
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'AWS:AROAEXAMPLE:probe' },
        requestParameters: { sourceIPAddress: '10.0.0.1' },
        responseElements: { 'x-amz-request-id': 'EXAMPLE', 'x-amz-id-2': 'EXAMPLE' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'vendorwatch-results',
          bucket: {
            name: BUCKET,
            ownerIdentity: { principalId: 'EXAMPLE' },
            arn: `arn:aws:s3:::${BUCKET}`,
          },
          object: {
            key: encodeURIComponent(key).replace(/%2F/g, '/'),
            size: 0,
            eTag: 'EXAMPLE',
            sequencer: '0A1B2C3D4E5F678901',
          },
        },
      },
    ],
  };
}

interface EmfDocument {
  _aws?: { CloudWatchMetrics?: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [member: string]: unknown;
}

/** Each (namespace, metric name, dimension values) CloudWatch bills as one custom metric. */
function metricSeriesOf(emfLines: readonly string[]): MetricSeries[] {
  const series = new Map<string, MetricSeries>();
  for (const line of emfLines) {
    const document = JSON.parse(line) as EmfDocument;
    for (const directive of document._aws?.CloudWatchMetrics ?? []) {
      for (const dimensionNames of directive.Dimensions) {
        const dimensions = Object.fromEntries(dimensionNames.map((name) => [name, String(document[name])]));
        for (const metric of directive.Metrics) {
          const one = { namespace: directive.Namespace, name: metric.Name, dimensions };
          series.set(JSON.stringify(one), one);
        }
      }
    }
  }
  return [...series.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, one]) => one);
}
