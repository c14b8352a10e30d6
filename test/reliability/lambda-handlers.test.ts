import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { S3Event } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../lambda/adapters/s3-object-store.ts';
import { SecretsManagerSecretSource } from '../../lambda/adapters/secrets-manager-secret-source.ts';
import { SnsNotifier } from '../../lambda/adapters/sns-notifier.ts';
import { type Config, parseConfig } from '../../lambda/config/load-config.ts';
import { resultsPrefix } from '../../lambda/core/storage-layout.ts';
import type { ProbeResult } from '../../lambda/core/vocabulary.ts';
import type { probeHandler as ProbeHandlerFactory } from '../../lambda/handlers/probe-handler.ts';
import type { stateHandler as StateHandlerFactory } from '../../lambda/handlers/state-handler.ts';
import { EXAMPLE_CONFIG, synthesizeOnce } from '../lib/synthesized.ts';
import { type MotoServer, motoAvailable, motoSkipReason, startMotoServer } from '../support/moto-server.ts';
import { type Aws, drainInbox, objectsUnder, secretsManagerError, setUpAws } from './support/aws.ts';
import { reportCounts } from './support/counts.ts';
import { ECHO_POLICY, echoRoutes, echoVendor, secretArb } from './support/echo-vendor.ts';
import { leakReport } from './support/leaks.ts';
import { GREEN_SUMMARY, json, startVendorServer, type VendorServer } from './support/vendor-server.ts';

if (!motoAvailable) console.warn(motoSkipReason);

/** A secret in the environment while the stack synthesizes: the template must not pick it up. */
const [SYNTH_SECRET] = fc.sample(secretArb, { seed: 7, numRuns: 1 }) as [string];
// moto boots (about 5 s, mostly waiting) while the stack synthesizes (CPU).
const motoStarting = motoAvailable ? startMotoServer() : null;
motoStarting?.catch(() => undefined);
const synth = synthesizeOnce({
  configFile: EXAMPLE_CONFIG,
  prepare: () => Object.assign(process.env, { MIRO_ACCESS_TOKEN: SYNTH_SECRET, VW_SECRET: SYNTH_SECRET }),
});

const SECRET_NAME = 'vendorwatch/lambda-test';
const TOKEN = 'lambda-test-token';

describe.skipIf(!motoAvailable)('the Lambda handlers under faults, on moto_server', () => {
  let moto: MotoServer;
  let aws: Aws;
  let vendor: VendorServer;
  let echo: VendorServer;
  let probeHandler: typeof ProbeHandlerFactory;
  let stateHandler: typeof StateHandlerFactory;

  beforeAll(async () => {
    [moto, vendor, echo] = await Promise.all([
      motoStarting!,
      startVendorServer({
        '/status/api/v2/summary.json': json(GREEN_SUMMARY),
        '/ok': json({ ok: true }),
        '/hang': () => undefined,
      }),
      startVendorServer(echoRoutes),
    ]);
    aws = await setUpAws(moto.endpoint);
    await aws.secrets.send(
      new CreateSecretCommand({ Name: SECRET_NAME, SecretString: JSON.stringify({ token: TOKEN }) }),
    );
    // The modules build their own runtime at import, as at a cold start; the tests use the factories.
    Object.assign(process.env, {
      VENDORWATCH_CONFIG: JSON.stringify({
        vendors: [{ id: 'x', profile: 'generic', statusPage: 'https://s.example' }],
      }),
      RESULTS_BUCKET: aws.bucket,
      PAGER_TOPIC_ARN: aws.topics.pager,
      STATUS_PAGE_TOPIC_ARN: aws.topics['status-page'],
      AWS_REGION: 'us-east-1',
    });
    ({ probeHandler } = await import('../../lambda/handlers/probe-handler.ts'));
    ({ stateHandler } = await import('../../lambda/handlers/state-handler.ts'));
  }, 60_000);

  afterAll(() => Promise.all([moto?.stop(), vendor?.close(), echo?.close()]));

  function runtimeFor(config: Config, logLevel: 'SILENT' | 'DEBUG' = 'SILENT') {
    return {
      config,
      store: new S3ObjectStore(aws.s3, aws.bucket),
      logger: new Logger({ serviceName: 'vendorwatch', logLevel }),
      metrics: new Metrics({ namespace: 'vendorwatch', serviceName: 'vendorwatch' }),
    };
  }

  function probeFor(vendorFields: Record<string, unknown>) {
    const config = parseConfig(
      JSON.stringify({
        vendors: [{ id: 'acme', profile: 'generic', statusPage: `${vendor.url}/status`, ...vendorFields }],
      }),
      'lambda-handlers.config.json',
    );
    const runtime = runtimeFor(config);
    const secrets = new SecretsManagerSecretSource(aws.secrets, { ttlMs: 0 });
    return { handler: probeHandler(runtime, secrets), metrics: runtime.metrics };
  }

  /** A Lambda context whose deadline is `ms` from now. */
  const contextWithin = (ms: number) => {
    const deadline = Date.now() + ms;
    return { getRemainingTimeInMillis: () => deadline - Date.now() };
  };

  it('the probe uses the time Lambda has left: a vendor hanging past a 30 s check timeout is stored before an 8 s deadline', async () => {
    const { handler } = probeFor({
      api: { url: `${vendor.url}/hang` },
      timeouts: { checkMs: 30_000, retryDelayMs: 2_000 },
    });
    const started = Date.now();

    const { key } = await handler({ vendorId: 'acme' }, contextWithin(8_000));

    const elapsed = Date.now() - started;
    const stored = JSON.parse((await objectsUnder(aws, key))[key]!) as ProbeResult;
    expect(elapsed).toBeLessThan(8_000);
    expect(stored.verdict).toMatchObject({ severity: 'P1', cause: 'vendor_unreachable', side: 'vendor' });
    expect(stored.checks.find((check) => check.name === 'api')!.evidence.at(-1)!.error).toMatch(
      /^timeout: cycle deadline reached/,
    );
    reportCounts('Lambda deadline (8 s left, 30 s check timeout)', { faultsInjected: 1, elapsedMs: elapsed });
  });

  it.each([
    ['moto: the secret does not exist', 'vendorwatch/missing', 0],
    ['injected: 500 InternalServiceError on every attempt', SECRET_NAME, 3],
  ])(
    'Secrets Manager failing (%s): the probe fails loudly, stores nothing and reports no completed probe',
    async (name, secret, injected) => {
      const { handler, metrics } = probeFor({
        api: { url: `${vendor.url}/ok` },
        auth: { token: { secret, field: 'token' } },
      });
      const served = aws.faults.served['GetSecretValue 500'] ?? 0;
      aws.faults.inject(secretsManagerError('InternalServiceError', injected));
      const before = Object.keys(await objectsUnder(aws, resultsPrefix('acme')));

      const failure = await handler({ vendorId: 'acme' }, contextWithin(60_000)).catch(
        (error: Error) => error,
      );

      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).message).toContain(secret);
      expect((failure as Error).message).not.toContain(TOKEN);
      expect(Object.keys(await objectsUnder(aws, resultsPrefix('acme')))).toEqual(before);
      // Thrown, so Lambda counts an error (the probe-errors alarm pages, test/lib/monitor-alarms.test.ts);
      // no ProbeCompleted, no false "auth expired" result.
      expect(metrics.hasStoredMetrics()).toBe(false);
      reportCounts(`Secrets Manager failure (${name})`, {
        faultsInjected: injected ? (aws.faults.served['GetSecretValue 500'] ?? 0) - served : 1,
        resultsStored: 0,
      });
    },
  );

  describe('secret-leak fuzz through the handlers', () => {
    const totals = { secrets: 0, placesScanned: 0, leaks: 0 };
    afterAll(() => reportCounts('secret-leak fuzz, AWS', { faultsInjected: totals.secrets, ...totals }));

    /** Runs `work` keeping everything written to stdout (Powertools logs and metrics). */
    async function capturingStdout(work: () => Promise<void>): Promise<string> {
      const write = process.stdout.write.bind(process.stdout);
      const logged: string[] = [];
      process.stdout.write = ((chunk: string | Uint8Array) => {
        logged.push(String(chunk));
        return true;
      }) as typeof process.stdout.write;
      try {
        await work();
      } finally {
        process.stdout.write = write;
      }
      return logged.join('');
    }

    it('probe and state Lambdas over three cycles: no secret in S3 objects, SNS messages or logs', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(secretArb, async (secret) => {
          const id = `echo-${++run}`;
          const name = `vendorwatch/${id}`;
          await aws.secrets.send(
            new CreateSecretCommand({ Name: name, SecretString: JSON.stringify({ token: secret }) }),
          );
          const config = parseConfig(
            JSON.stringify({
              vendors: [echoVendor(echo.url, secret, id, { secret: name, field: 'token' })],
              policy: ECHO_POLICY,
            }),
            'leak.config.json',
          );
          const runtime = runtimeFor(config, 'DEBUG');
          const probe = probeHandler(runtime, new SecretsManagerSecretSource(aws.secrets));
          const state = stateHandler(runtime, new SnsNotifier(aws.sns, aws.topics));

          const logs = await capturingStdout(async () => {
            for (let cycle = 0; cycle < 3; cycle++) {
              const { key } = await probe({ vendorId: id }, contextWithin(60_000));
              const event = { Records: [{ s3: { object: { key: encodeURIComponent(key) } } }] };
              await state(event as unknown as S3Event);
              runtime.metrics.publishStoredMetrics();
            }
          });

          const objects = await objectsUnder(aws, '');
          const messages = await drainInbox(aws);
          expect(Object.keys(objects).some((key) => key.startsWith(`postmortems/vendor=${id}/`))).toBe(true);
          expect(messages.filter(({ event }) => event.vendor === id).length).toBeGreaterThan(0);
          const places = {
            ...objects,
            ...Object.fromEntries(messages.map((message, index) => [`sns message ${index}`, message.body])),
            logs,
          };
          const leaks = leakReport(secret, places);
          totals.secrets += 1;
          totals.placesScanned += Object.keys(places).length;
          totals.leaks += leaks.length;
          expect(leaks).toEqual([]);
        }),
        { seed: 424_243, numRuns: 2, endOnFailure: true },
      );
    });
  });
});

describe('the synthesized CloudFormation template', () => {
  it('holds secret references, never a value, even with the secret in the environment', () => {
    const template = JSON.stringify(synth.template.toJSON());

    expect(leakReport(SYNTH_SECRET, { template })).toEqual([]);
    expect(template).toContain('vendorwatch/miro');
    reportCounts('secret-leak, synthesized template', { placesScanned: 1, leaks: 0 });
  });
});
