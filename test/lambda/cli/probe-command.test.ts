import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cause, ProbeResult, Severity, Side } from '../../../lambda/core/vocabulary.ts';
import {
  type SimulatedVendor,
  type SimulatorMode,
  startSimulator,
  type VendorKind,
  type VendorSimulator,
} from '../../../lambda/simulator/vendor-simulator.ts';
import { runCli, writeConfig } from '../../support/cli.ts';

interface Case {
  mode: SimulatorMode;
  kind: VendorKind;
  severity: Severity | null;
  cause: Cause;
  side: Side;
}

// Every simulator mode → what the runbook would conclude. One simulated vendor per case, so cases run at once.
const CASES: Case[] = [
  { mode: 'healthy', kind: 'miro', severity: null, cause: 'ok', side: 'unknown' },
  { mode: 'healthy', kind: 'ideogram', severity: null, cause: 'ok', side: 'unknown' },
  { mode: 'healthy', kind: 'generic', severity: null, cause: 'ok', side: 'unknown' },
  { mode: 'outage', kind: 'miro', severity: 'P1', cause: 'vendor_outage', side: 'vendor' },
  { mode: 'errors', kind: 'miro', severity: 'P1', cause: 'vendor_errors', side: 'vendor' },
  { mode: 'errors', kind: 'ideogram', severity: 'P1', cause: 'vendor_errors', side: 'vendor' },
  { mode: 'slow', kind: 'miro', severity: 'P2', cause: 'high_latency', side: 'unknown' },
  { mode: 'rate_limited', kind: 'miro', severity: 'P2', cause: 'rate_limited', side: 'ours' },
  { mode: 'rate_limited', kind: 'ideogram', severity: 'P2', cause: 'rate_limited', side: 'ours' },
  { mode: 'low_remaining', kind: 'miro', severity: 'P4', cause: 'rate_limit_low', side: 'ours' },
  { mode: 'unauthorized', kind: 'miro', severity: 'P1', cause: 'auth_expired', side: 'ours' },
  { mode: 'unauthorized', kind: 'ideogram', severity: 'P1', cause: 'auth_expired', side: 'ours' },
  { mode: 'forbidden', kind: 'miro', severity: 'P1', cause: 'scope_missing', side: 'ours' },
  { mode: 'not_found', kind: 'miro', severity: 'P3', cause: 'not_found', side: 'ours' },
  { mode: 'quota', kind: 'ideogram', severity: 'P1', cause: 'quota_exhausted', side: 'ours' },
  { mode: 'status_down', kind: 'miro', severity: 'P4', cause: 'monitoring_gap', side: 'vendor' },
  { mode: 'status_minor', kind: 'miro', severity: 'P3', cause: 'vendor_degraded', side: 'vendor' },
  { mode: 'garbage', kind: 'miro', severity: 'P2', cause: 'bad_response', side: 'vendor' },
  { mode: 'huge', kind: 'miro', severity: 'P2', cause: 'bad_response', side: 'vendor' },
  { mode: 'hang', kind: 'miro', severity: 'P1', cause: 'vendor_unreachable', side: 'vendor' },
  { mode: 'reset', kind: 'miro', severity: 'P1', cause: 'vendor_unreachable', side: 'vendor' },
  { mode: 'app_unhealthy', kind: 'miro', severity: 'P2', cause: 'app_unhealthy', side: 'ours' },
];

const vendorId = ({ mode, kind }: Pick<Case, 'mode' | 'kind'>): string =>
  `${kind}-${mode.replace(/_/g, '-')}`;
const credential = (id: string): string => `cred-${id}-%2F"quoted"/+`;
const envName = (id: string): string => `VW_TEST_${id.replace(/-/g, '_').toUpperCase()}`;

// Generous against a loaded 2-core CI box; the hang and slow cases get their own tighter numbers.
const CHECK_MS = 5_000;
const HANG_CHECK_MS = 1_000;
const SLOW_MS = 2_500;
const LATENCY_DEGRADED_MS = 1_500;
const CONFIRM_MS = 200;
let simulator: VendorSimulator;
let config: string;
let env: Record<string, string>;

function vendorConfig(vendor: SimulatedVendor) {
  const auth =
    vendor.kind === 'ideogram'
      ? { apiKey: { env: envName(vendor.id) } }
      : { token: { env: envName(vendor.id) } };
  return {
    id: vendor.id,
    profile: vendor.kind,
    statusPage: simulator.statusPageUrl(vendor.id),
    apiBase: simulator.apiBaseUrl(vendor.id),
    ...(vendor.kind === 'generic' ? { api: { path: '/v1/ping' } } : {}),
    // Flapping hits every endpoint; without introspection only the API call (and its retry) is under test.
    ...(vendor.mode === 'flapping' ? { token: null } : {}),
    auth,
    appHealth: { url: simulator.appHealthUrl(), statusPath: `${vendor.id}.status` },
    timeouts: {
      checkMs: vendor.mode === 'hang' ? HANG_CHECK_MS : CHECK_MS,
      retryDelayMs: 50,
      confirmAfterMs: CONFIRM_MS,
    },
    latencyMsDegraded: LATENCY_DEGRADED_MS,
    maxBodyBytes: 256 * 1024,
  };
}

beforeAll(async () => {
  const vendors: SimulatedVendor[] = [
    ...CASES,
    { mode: 'echo', kind: 'miro' } as Case,
    { mode: 'flapping', kind: 'miro' } as Case,
  ].map((testCase) => ({
    id: vendorId(testCase),
    kind: testCase.kind,
    mode: testCase.mode,
    credential: credential(vendorId(testCase)),
  }));
  simulator = await startSimulator({ vendors, slowMs: SLOW_MS, hugeBytes: 50 * 1024 * 1024 });
  config = writeConfig({ vendors: vendors.map(vendorConfig) });
  env = Object.fromEntries(vendors.map((vendor) => [envName(vendor.id), credential(vendor.id)]));
});

afterAll(() => simulator?.close());

const probe = (vendor: string) => runCli(['probe', '--config', config, '--vendor', vendor, '--json'], env);

describe('vendorwatch probe against the simulator, every mode', () => {
  it.concurrent.each(CASES.map((testCase) => [`${testCase.kind} ${testCase.mode}`, testCase] as const))(
    '%s',
    async (_name, testCase) => {
      const run = await probe(vendorId(testCase));

      expect(run.stderr).toBe('');
      const [result] = (JSON.parse(run.stdout) as { results: ProbeResult[] }).results;
      const { severity, cause, side } = result!.verdict;
      expect({ severity, cause, side }).toEqual({
        severity: testCase.severity,
        cause: testCase.cause,
        side: testCase.side,
      });
      expect(run.code).toBe(testCase.severity ? 3 : 0);
    },
  );

  it('a hanging vendor finishes within its timeouts: the attempt, the retry and the later confirmation', async () => {
    const run = await probe(vendorId({ mode: 'hang', kind: 'miro' }));

    const [result] = (JSON.parse(run.stdout) as { results: ProbeResult[] }).results;
    expect(result!.durationMs).toBeLessThan(3 * HANG_CHECK_MS + 50 + CONFIRM_MS + 1_000);
    expect(result!.checks.find((check) => check.name === 'api')!.attempts).toBe(3);
    expect(result!.verdict.confirmed).toBe(true);
  });

  it('a failure that passes on the in-cycle retry is a warning, not a finding', async () => {
    const run = await probe(vendorId({ mode: 'flapping', kind: 'miro' }));

    const [result] = (JSON.parse(run.stdout) as { results: ProbeResult[] }).results;
    const api = result!.checks.find((check) => check.name === 'api')!;
    expect(api.outcome).toBe('warn');
    expect(api.detail).toContain('recovered on retry');
    expect(run.code).toBe(0);
  });

  it('prints one screen a person can act on: checks, then what, how bad, whose side, what next', async () => {
    const run = await runCli(
      ['probe', '--config', config, '--vendor', vendorId({ mode: 'outage', kind: 'miro' })],
      env,
    );

    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/P1 vendor_outage\s+side: vendor/);
    for (const check of ['status_page', 'api', 'rate_limit', 'token', 'app_health'])
      expect(run.stdout).toContain(check);
    expect(run.stdout).toContain('action:');
    expect(run.stdout).toContain('Elevated API error rates');
  });
});

describe('secrets never leave the process', () => {
  it('a vendor echoing our credential back in body, headers and errors: masked in stdout and stderr', async () => {
    const id = vendorId({ mode: 'echo', kind: 'miro' });
    const secret = credential(id);

    const human = await runCli(['probe', '--config', config, '--vendor', id], env);
    const json = await probe(id);

    const used = simulator.requests.some(
      (request) => request.vendor === id && String(request.headers.authorization).includes(secret),
    );
    expect(used).toBe(true);
    for (const output of [human.stdout, human.stderr, json.stdout, json.stderr]) {
      expect(output).not.toContain(secret);
      expect(output).not.toContain(encodeURIComponent(secret));
      expect(output).not.toContain(JSON.stringify(secret).slice(1, -1));
    }
    expect(json.stdout).toContain('[REDACTED]');
  });
});

describe('bad input', () => {
  it('an unknown --vendor is a usage error naming it', async () => {
    const run = await runCli(['probe', '--config', config, '--vendor', 'nope'], env);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--vendor nope');
  });

  it('a missing env secret is exit 2 naming the config path and the variable, and nothing is probed', async () => {
    const run = await runCli(['probe', '--config', config, '--vendor', vendorId(CASES[0]!)], {});

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/vendors\[0\]\.auth\.token: .*VW_TEST_MIRO_HEALTHY/);
    expect(run.stdout).toBe('');
  });

  it('a bad config file is exit 2 with every problem and its path, and no stack trace', async () => {
    const bad = writeConfig({
      vendors: [
        { id: 'a', profile: 'miro', auth: { token: 'sk-live-literal-token' } },
        { id: 'a', profile: 'nope', extra: true },
      ],
    });

    const run = await runCli(['probe', '--config', bad]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('vendors[0].auth.token');
    expect(run.stderr).toContain('vendors[1].profile');
    expect(run.stderr).toContain('vendors[1].extra: unknown key');
    expect(run.stderr).not.toContain('sk-live-literal-token');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('every vendor host unreachable is our network, not theirs', async () => {
    const dead = 'http://127.0.0.1:9';
    const offline = writeConfig({
      vendors: [
        {
          id: 'offline',
          profile: 'generic',
          statusPage: dead,
          api: { url: `${dead}/ping` },
          appHealth: { url: `${dead}/health` },
          timeouts: { checkMs: 500, retryDelayMs: 10 },
        },
      ],
    });

    const run = await runCli(['probe', '--config', offline, '--json']);

    const [result] = (JSON.parse(run.stdout) as { results: ProbeResult[] }).results;
    expect(result!.verdict).toMatchObject({ severity: 'P1', cause: 'network', side: 'ours' });
    expect(run.code).toBe(3);
  });
});
