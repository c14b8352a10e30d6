import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../../lambda/adapters/s3-object-store.ts';
import { HEALTHY_VERDICT } from '../../../lambda/core/classify.ts';
import type { ProbeResult, Verdict } from '../../../lambda/core/vocabulary.ts';
import { storeResult } from '../../../lambda/monitor/result-store.ts';
import { applyResult } from '../../../lambda/monitor/vendor-monitor.ts';
import { runCli } from '../../support/cli.ts';
import {
  awsClientConfig,
  type MotoServer,
  motoAvailable,
  motoSkipReason,
  startMotoServer,
} from '../../support/moto-server.ts';

if (!motoAvailable) console.warn(motoSkipReason);

const BUCKET = 'vendorwatch-read-back';
const OUTAGE: Verdict = {
  severity: 'P1',
  cause: 'vendor_outage',
  side: 'vendor',
  summary: 'vendor outage: HTTP 503 on every attempt',
  action: 'Enable graceful degradation.',
  confirmed: true,
};

describe.skipIf(!motoAvailable)('read-back commands with --bucket, over the real S3 wire protocol', () => {
  let moto: MotoServer;
  let env: Record<string, string>;
  let incidentId: string;

  beforeAll(async () => {
    moto = await startMotoServer();
    const client = new S3Client(awsClientConfig(moto.endpoint));
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const store = new S3ObjectStore(client, BUCKET);
    const config = {
      policy: {
        openAfter: 2,
        resolveAfter: 3,
        identifyAfter: 2,
        latencyMsDegraded: 2000,
        reminderMinutes: 30,
      },
      vendors: [],
    };
    // What the deployed functions leave in the bucket: an outage of a few minutes that resolved.
    const verdicts = [
      HEALTHY_VERDICT,
      OUTAGE,
      OUTAGE,
      OUTAGE,
      HEALTHY_VERDICT,
      HEALTHY_VERDICT,
      HEALTHY_VERDICT,
    ];
    // One result a minute, the newest just now: the vendor is not stale.
    const start = Date.now() - (verdicts.length - 1) * 60_000;
    for (const [minute, verdict] of verdicts.entries()) {
      const result: ProbeResult = {
        vendor: 'miro',
        startedAt: new Date(start + minute * 60_000).toISOString(),
        durationMs: 40,
        checks: [],
        verdict: { ...verdict },
      };
      const key = await storeResult(store, result);
      const { changes } = await applyResult(
        { store, notifier: { publish: async () => undefined }, config },
        result,
        key,
      );
      incidentId ??= changes[0]?.incident.id as string;
    }
    env = {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
  }, 60_000);

  afterAll(() => moto?.stop());

  it('incidents and status read the bucket as they read a data directory', async () => {
    const incidents = await runCli(['incidents', '--bucket', BUCKET, '--json'], env);
    const status = await runCli(['status', '--bucket', BUCKET, '--json'], env);

    expect(JSON.parse(incidents.stdout).incidents).toEqual([
      expect.objectContaining({ id: incidentId, vendor: 'miro', cause: 'vendor_outage', status: 'RESOLVED' }),
    ]);
    expect(JSON.parse(status.stdout).vendors).toEqual([
      expect.objectContaining({ vendor: 'miro', healthy: true, openIncident: null, stale: false }),
    ]);
  });

  it('evidence lists the stored results of the window, oldest first', async () => {
    const run = await runCli(
      ['evidence', '--vendor', 'miro', '--since', '30m', '--bucket', BUCKET, '--json'],
      env,
    );

    const results = JSON.parse(run.stdout).results as ProbeResult[];
    expect(results.map((result) => result.verdict.severity)).toEqual([
      null,
      'P1',
      'P1',
      'P1',
      null,
      null,
      null,
    ]);
  });

  it('postmortem prints the stored draft, and a missing incident is exit 4', async () => {
    const found = await runCli(['postmortem', incidentId, '--bucket', BUCKET], env);
    const missing = await runCli(['postmortem', 'miro-20000101T000000Z', '--bucket', BUCKET], env);

    expect(found.code).toBe(0);
    expect(found.stdout).toContain(`**Incident:** ${incidentId}`);
    expect(missing.code).toBe(4);
  });
});
