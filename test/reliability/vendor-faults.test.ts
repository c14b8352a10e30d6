import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambda/config/load-config.ts';
import type { VendorConfig } from '../../lambda/config/profiles.ts';
import type { Cause, CheckName, ProbeResult, Severity, Side } from '../../lambda/core/vocabulary.ts';
import { cycleBudgetMs, probeVendor } from '../../lambda/probe/probe-vendor.ts';
import { startSimulator, type VendorSimulator } from '../../lambda/simulator/vendor-simulator.ts';
import { reportCounts } from './support/counts.ts';
import {
  GREEN_SUMMARY,
  json,
  type Route,
  startSelfSignedServer,
  startVendorServer,
  type VendorServer,
} from './support/vendor-server.ts';

/** Check timeout for every fault: short enough to keep the suite fast, long enough for a loaded CI box. */
const CHECK_MS = 1_000;
const RETRY_DELAY_MS = 50;
/** The later look at a failure a blip could explain, kept short here. */
const CONFIRM_AFTER_MS = 50;
/** What "within the deadline" allows beyond the cycle budget: event-loop lag on a busy 2-core box. */
const SLACK_MS = 750;
const CREDENTIAL = 'fault-token';

const html: Route = (_req, res) =>
  res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Sign in</body></html>');

/** One byte every 200 ms, for ever: a slowloris answer. */
const trickle: Route = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  const timer = setInterval(() => res.write(' '), 200);
  res.on('close', () => clearInterval(timer));
};

const endless: Route = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  const chunk = Buffer.alloc(64 * 1024, ' ');
  const pump = () => {
    while (res.write(chunk)) {
      /* until the reader stops reading */
    }
  };
  res.on('drain', pump);
  pump();
};

const routes: Record<string, Route> = {
  '/status/api/v2/summary.json': json(GREEN_SUMMARY),
  '/health': json({ status: 'ok' }),
  '/token': json({ scopes: ['read'] }),
  '/ok': json({ ok: true }),
  '/hang-before-headers': () => undefined,
  '/hang-mid-body': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"data":[');
  },
  '/trickle': trickle,
  '/reset': (req) => req.socket.resetAndDestroy(),
  '/closed-mid-body': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
    res.write('{"data":[{"id":1}', () => res.socket?.destroy());
  },
  '/garbage': (_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[<html>oops'),
  '/truncated-json': (_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[{"id":1},{"id":'),
  '/endless': endless,
  '/loop': (req, res) => res.writeHead(302, { location: req.url }).end(),
  '/html': html,
};
// Status pages ending in `.json` are fetched as they are: the same faults under those names.
for (const path of ['/hang-before-headers', '/loop', '/html']) routes[`${path}.json`] = routes[path]!;

let server: VendorServer;
let tls: VendorServer;
let simulator: VendorSimulator;

beforeAll(async () => {
  [server, tls, simulator] = await Promise.all([
    startVendorServer(routes),
    startSelfSignedServer({ '/ok': json({ ok: true }) }),
    startSimulator({ vendors: [{ id: 'huge', kind: 'generic', mode: 'huge' }], hugeBytes: 50 * 1024 * 1024 }),
  ]);
});

afterAll(() => Promise.all([server?.close(), tls?.close(), simulator?.close()]));

interface Fault {
  name: string;
  /** The vendor config fields that point one check at the fault. */
  vendor: () => Record<string, unknown>;
  check: CheckName;
  /** How the failing exchange's evidence error starts (`timeout:`, `reset:`…); empty when it answered. */
  evidence: RegExp;
  verdict: { severity: Severity; cause: Cause; side: Side };
}

const api = (url: () => string) => () => ({ api: { url: url() } });
const apiAt = (path: string) => api(() => `${server.url}${path}`);
const unreachable = { severity: 'P1', cause: 'vendor_unreachable', side: 'vendor' } as const;
const unreadable = { severity: 'P2', cause: 'bad_response', side: 'vendor' } as const;
const monitoringGap = { severity: 'P4', cause: 'monitoring_gap', side: 'vendor' } as const;

const FAULTS: Fault[] = [
  {
    name: 'API hangs before headers',
    vendor: apiAt('/hang-before-headers'),
    check: 'api',
    evidence: /^timeout:/,
    verdict: unreachable,
  },
  {
    name: 'API hangs mid-body',
    vendor: apiAt('/hang-mid-body'),
    check: 'api',
    evidence: /^timeout:/,
    verdict: unreachable,
  },
  {
    name: 'API trickles its body (slowloris)',
    vendor: apiAt('/trickle'),
    check: 'api',
    evidence: /^timeout:/,
    verdict: unreachable,
  },
  {
    name: 'API resets the connection',
    vendor: apiAt('/reset'),
    check: 'api',
    evidence: /^reset:/,
    verdict: unreachable,
  },
  {
    name: 'API closes the connection mid-body',
    vendor: apiAt('/closed-mid-body'),
    check: 'api',
    evidence: /^reset:/,
    verdict: unreachable,
  },
  {
    name: 'API answers garbage JSON',
    vendor: apiAt('/garbage'),
    check: 'api',
    evidence: /^$/,
    verdict: unreadable,
  },
  {
    name: 'API answers truncated JSON',
    vendor: apiAt('/truncated-json'),
    check: 'api',
    evidence: /^$/,
    verdict: unreadable,
  },
  {
    name: 'API sends a 50 MB body',
    vendor: api(() => `${simulator.apiBaseUrl('huge')}/v1/ping`),
    check: 'api',
    evidence: /^$/,
    verdict: unreadable,
  },
  {
    name: 'API sends an endless body',
    vendor: apiAt('/endless'),
    check: 'api',
    evidence: /^$/,
    verdict: unreadable,
  },
  {
    name: 'API redirects in a loop',
    vendor: apiAt('/loop'),
    check: 'api',
    evidence: /^redirects:/,
    verdict: unreachable,
  },
  {
    name: 'API host does not resolve (DNS)',
    vendor: api(() => 'http://vendorwatch-no-such-host.invalid/ping'),
    check: 'api',
    evidence: /^dns:/,
    verdict: unreachable,
  },
  {
    name: 'API presents a self-signed certificate (TLS)',
    vendor: api(() => `${tls.url}/ok`),
    check: 'api',
    evidence: /^tls:/,
    verdict: unreachable,
  },
  {
    name: 'status page answers 200 text/html',
    vendor: () => ({ statusPage: `${server.url}/html.json` }),
    check: 'status_page',
    evidence: /^$/,
    verdict: monitoringGap,
  },
  {
    name: 'status page hangs',
    vendor: () => ({ statusPage: `${server.url}/hang-before-headers.json` }),
    check: 'status_page',
    evidence: /^timeout:/,
    verdict: monitoringGap,
  },
  {
    name: 'status page redirects in a loop',
    vendor: () => ({ statusPage: `${server.url}/loop.json` }),
    check: 'status_page',
    evidence: /^redirects:/,
    verdict: monitoringGap,
  },
  {
    name: 'token introspection answers 200 text/html',
    vendor: () => ({ token: { path: '/html' } }),
    check: 'token',
    evidence: /^$/,
    verdict: monitoringGap,
  },
  {
    name: 'app health answers 200 text/html',
    vendor: () => ({ appHealth: { url: `${server.url}/html`, statusPath: 'status' } }),
    check: 'app_health',
    evidence: /^$/,
    verdict: { severity: 'P2', cause: 'app_unhealthy', side: 'ours' },
  },
];

/** A generic vendor whose every check is healthy on the local server, except where the fault points. */
function vendorWith(fault: Fault): VendorConfig {
  const document = {
    vendors: [
      {
        id: 'faulty',
        profile: 'generic',
        statusPage: `${server.url}/status`,
        apiBase: server.url,
        api: { path: '/ok' },
        auth: { token: { env: 'FAULTY_TOKEN' } },
        timeouts: { checkMs: CHECK_MS, retryDelayMs: RETRY_DELAY_MS, confirmAfterMs: CONFIRM_AFTER_MS },
        ...fault.vendor(),
      },
    ],
  };
  return parseConfig(JSON.stringify(document), 'vendor-faults.config.json').vendors[0]!;
}

const probe = (vendor: VendorConfig, budgetMs = cycleBudgetMs(vendor)): Promise<ProbeResult> =>
  probeVendor(vendor, { credential: CREDENTIAL, secrets: [CREDENTIAL], now: new Date(), budgetMs });

const outcomes: { rightCause: boolean; inBudget: boolean }[] = [];
afterAll(() =>
  reportCounts('vendor faults (probe level)', {
    faultsInjected: outcomes.length,
    findingsWithRightCause: outcomes.filter((outcome) => outcome.rightCause).length,
    withinCycleBudget: outcomes.filter((outcome) => outcome.inBudget).length,
  }),
);

describe('a misbehaving vendor is a finding with the right cause, within the cycle budget', () => {
  it.concurrent.each(FAULTS.map((fault) => [fault.name, fault] as const))('%s', async (_name, fault) => {
    const vendor = vendorWith(fault);

    const result = await probe(vendor);

    const { severity, cause, side } = result.verdict;
    const check = result.checks.find((candidate) => candidate.name === fault.check)!;
    const evidence = check.evidence.at(-1)!;
    outcomes.push({
      rightCause: cause === fault.verdict.cause,
      inBudget: result.durationMs <= cycleBudgetMs(vendor) + SLACK_MS,
    });
    expect({ severity, cause, side }).toEqual(fault.verdict);
    expect(evidence.error ?? '').toMatch(fault.evidence);
    // A fault with an HTTP answer is that answer: 200 with the wrong body, not a 404 from a typo here.
    if (!evidence.error) expect(evidence.status).toBe(200);
    expect(result.durationMs).toBeLessThanOrEqual(cycleBudgetMs(vendor) + SLACK_MS);
    expect(evidence.bodyBytes).toBeLessThanOrEqual(vendor.maxBodyBytes);
  });

  it.concurrent('a trickling body ends at the check timeout on each attempt, however long it would go on', async () => {
    const vendor = vendorWith(FAULTS.find((fault) => fault.name.includes('trickle'))!);

    const result = await probe(vendor);

    const [first, ...later] = result.checks.find((check) => check.name === 'api')!.evidence;
    expect(later.length).toBeGreaterThan(0);
    expect(first!.error).toMatch(/^timeout: no answer within/);
    expect(first!.timings.totalMs).toBeGreaterThanOrEqual(CHECK_MS - 5);
    // Each later look ends at its own timeout or, a little earlier, at the cycle deadline.
    for (const attempt of later) expect(attempt.error).toMatch(/^timeout: /);
    for (const attempt of [first!, ...later])
      expect(attempt.timings.totalMs).toBeLessThanOrEqual(CHECK_MS + SLACK_MS);
  });

  it.concurrent('oversized and endless bodies are cut at maxBodyBytes, never buffered', async () => {
    for (const name of ['API sends a 50 MB body', 'API sends an endless body']) {
      const vendor = vendorWith(FAULTS.find((fault) => fault.name === name)!);

      const result = await probe(vendor);

      const evidence = result.checks.find((check) => check.name === 'api')!.evidence;
      for (const attempt of evidence)
        expect(attempt).toMatchObject({ truncated: true, bodyBytes: vendor.maxBodyBytes });
    }
  });

  it.concurrent('the cycle deadline cuts every check short when it is tighter than the check timeouts', async () => {
    const vendor = vendorWith({
      ...FAULTS[0]!,
      vendor: () => ({
        statusPage: `${server.url}/hang-before-headers.json`,
        api: { path: '/trickle' },
        token: { path: '/hang-before-headers' },
        appHealth: { url: `${server.url}/hang-mid-body` },
        timeouts: { checkMs: 30_000, retryDelayMs: 2_000 },
      }),
    });

    const result = await probe(vendor, 1_500);

    expect(result.durationMs).toBeLessThanOrEqual(1_500 + SLACK_MS);
    expect(result.verdict).toMatchObject({ severity: 'P1', cause: 'network', side: 'ours' });
    for (const check of result.checks.filter((candidate) => candidate.outcome !== 'skip'))
      expect(check.evidence.at(-1)?.error ?? '').toMatch(/^timeout: cycle deadline reached/);
  });
});
