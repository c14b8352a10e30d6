import { describe, expect, it } from 'vitest';
import { classify } from '../../../lambda/core/classify.ts';
import {
  CAUSES,
  type Cause,
  type CheckName,
  type CheckResult,
  type Severity,
  type Side,
  type Signal,
} from '../../../lambda/core/vocabulary.ts';

type Signals = Partial<Record<CheckName, Signal>>;

const HEALTHY: Signals = { status_page: 'ok', api: 'ok', rate_limit: 'ok', token: 'ok', app_health: 'ok' };

function checks(signals: Signals, attempts = 2): CheckResult[] {
  return Object.entries({ ...HEALTHY, ...signals }).map(([name, signal]) => ({
    name: name as CheckName,
    outcome: signal === 'ok' ? 'pass' : signal === 'skipped' ? 'skip' : 'fail',
    httpStatus: null,
    latencyMs: null,
    detail: `${name} says ${signal}`,
    signal,
    attempts: name === 'api' && signal !== 'ok' ? attempts : 1,
    facts: name === 'token' && signal === 'missing_scopes' ? { missingScopes: ['boards:read'] } : {},
    evidence: [],
  }));
}

type Row = [string, Signals, Severity | null, Cause, Side];

// The seeds' decision trees as a table: what the checks saw → severity, cause, whose side.
const TABLE: Row[] = [
  ['all checks pass', {}, null, 'ok', 'unknown'],
  // Miro tree, "what status code?"
  ['401 → token expired', { api: 'unauthorized' }, 'P1', 'auth_expired', 'ours'],
  ['403 with the scopes present → forbidden', { api: 'forbidden' }, 'P1', 'auth_forbidden', 'ours'],
  [
    '403 with scopes missing → scope missing',
    { api: 'forbidden', token: 'missing_scopes' },
    'P1',
    'scope_missing',
    'ours',
  ],
  ['429 → rate limited', { api: 'rate_limited', rate_limit: 'rate_limited' }, 'P2', 'rate_limited', 'ours'],
  ['404 → resource ids changed', { api: 'not_found' }, 'P3', 'not_found', 'ours'],
  [
    '5xx, status page major → vendor outage',
    { api: 'server_error', status_page: 'major' },
    'P1',
    'vendor_outage',
    'vendor',
  ],
  [
    '5xx, status page minor → vendor outage',
    { api: 'server_error', status_page: 'minor' },
    'P1',
    'vendor_outage',
    'vendor',
  ],
  ['5xx, status page green → vendor errors', { api: 'server_error' }, 'P1', 'vendor_errors', 'vendor'],
  [
    '5xx, status page unreadable → vendor errors',
    { api: 'server_error', status_page: 'bad_response' },
    'P1',
    'vendor_errors',
    'vendor',
  ],
  // "API not returning errors → is our integration healthy?"
  ['API fine, our health failing → ours', { app_health: 'unhealthy' }, 'P2', 'app_unhealthy', 'ours'],
  ['API fine, our health unreachable → ours', { app_health: 'unreachable' }, 'P2', 'app_unhealthy', 'ours'],
  [
    'API failing beats our health failing',
    { api: 'server_error', app_health: 'unhealthy' },
    'P1',
    'vendor_errors',
    'vendor',
  ],
  // Ideogram tree, "is the status page showing an incident?"
  ['status page major while API works', { status_page: 'major' }, 'P1', 'vendor_outage', 'vendor'],
  ['status page minor while API works', { status_page: 'minor' }, 'P3', 'vendor_degraded', 'vendor'],
  [
    'status page unreachable while API works',
    { status_page: 'unreachable' },
    'P4',
    'monitoring_gap',
    'vendor',
  ],
  [
    'status page unreadable while API works',
    { status_page: 'bad_response' },
    'P4',
    'monitoring_gap',
    'vendor',
  ],
  // Reachability
  [
    'API unreachable, status page answers → vendor unreachable',
    { api: 'unreachable' },
    'P1',
    'vendor_unreachable',
    'vendor',
  ],
  [
    'every host unreachable → our network',
    { api: 'unreachable', status_page: 'unreachable', app_health: 'unreachable' },
    'P1',
    'network',
    'ours',
  ],
  [
    'API and status page unreachable, no health endpoint → our network',
    { api: 'unreachable', status_page: 'unreachable', app_health: 'skipped' },
    'P1',
    'network',
    'ours',
  ],
  [
    'API unreachable and nothing else probed → vendor unreachable',
    { api: 'unreachable', status_page: 'skipped', app_health: 'skipped' },
    'P1',
    'vendor_unreachable',
    'vendor',
  ],
  // Degradation and warnings
  ['slow API, status page green → side unknown', { api: 'slow' }, 'P2', 'high_latency', 'unknown'],
  [
    'slow API, vendor reports trouble → vendor',
    { api: 'slow', status_page: 'minor' },
    'P2',
    'high_latency',
    'vendor',
  ],
  ['garbage or oversized body → bad response', { api: 'bad_response' }, 'P2', 'bad_response', 'vendor'],
  ['other 4xx → our request is wrong', { api: 'client_error' }, 'P3', 'bad_response', 'ours'],
  ['402 / insufficient_funds → quota, billing is ours', { api: 'quota' }, 'P1', 'quota_exhausted', 'ours'],
  ['remaining rate limit low', { rate_limit: 'low' }, 'P4', 'rate_limit_low', 'ours'],
  ['token lacks scopes while API works', { token: 'missing_scopes' }, 'P2', 'scope_missing', 'ours'],
  ['token rejected while API works', { token: 'unauthorized' }, 'P1', 'auth_expired', 'ours'],
  [
    'token introspection unreachable while API works',
    { token: 'unreachable' },
    'P4',
    'monitoring_gap',
    'vendor',
  ],
  ['no rate-limit headers is not a finding', { rate_limit: 'absent' }, null, 'ok', 'unknown'],
  ['skipped checks are not findings', { token: 'skipped', app_health: 'skipped' }, null, 'ok', 'unknown'],
];

describe('classify: the runbooks decision trees', () => {
  it.each(TABLE)('%s', (_name, signals, severity, cause, side) => {
    const verdict = classify(checks(signals), { authKind: 'token' });

    expect({ severity: verdict.severity, cause: verdict.cause, side: verdict.side }).toEqual({
      severity,
      cause,
      side,
    });
  });

  it('covers every cause in the vocabulary', () => {
    const covered = new Set(TABLE.map((row) => row[3]));

    expect(CAUSES.filter((cause) => !covered.has(cause))).toEqual([]);
  });

  it('names the failing check and what the vendor acknowledged in the summary', () => {
    const verdict = classify(checks({ api: 'server_error', status_page: 'major' }), { authKind: 'token' });

    expect(verdict.summary).toContain('api says server_error');
    expect(verdict.summary).toContain('status_page says major');
  });

  it('gives the runbook action for the auth kind: refresh an OAuth token, rotate an API key', () => {
    const oauth = classify(checks({ api: 'unauthorized' }), { authKind: 'token' });
    const apiKey = classify(checks({ api: 'unauthorized' }), { authKind: 'apiKey' });

    expect(oauth.action).toMatch(/refresh_token/);
    expect(apiKey.action).toMatch(/rotated or revoked/);
  });

  it('puts the Retry-After seconds and the missing scopes into the action', () => {
    const limited = checks({ api: 'rate_limited', rate_limit: 'rate_limited' });
    limited.find((check) => check.name === 'rate_limit')!.facts = { retryAfterSeconds: 30 };

    expect(classify(limited, { authKind: 'token' }).action).toContain('30 s');
    expect(classify(checks({ token: 'missing_scopes' }), { authKind: 'token' }).action).toContain(
      'boards:read',
    );
  });

  it.each<[string, Signals, number, boolean]>([
    ['401 on every attempt: the vendor said so', { api: 'unauthorized' }, 2, true],
    ['402 on every attempt', { api: 'quota' }, 2, true],
    [
      '5xx on every attempt with the status page agreeing',
      { api: 'server_error', status_page: 'major' },
      2,
      true,
    ],
    ['5xx on both attempts 2 s apart, status page green: could be a blip', { api: 'server_error' }, 2, false],
    ['5xx again at the later confirmation re-check', { api: 'server_error' }, 3, true],
    ['no answer again at the later confirmation re-check', { api: 'unreachable' }, 3, true],
    ['unreachable on every attempt, status page green', { api: 'unreachable' }, 2, false],
    ['a single attempt', { api: 'unauthorized' }, 1, false],
    ['status page major while the API works', { status_page: 'major' }, 1, false],
  ])('confirms a P1 only when no blip explains it: %s', (_name, signals, attempts, confirmed) => {
    expect(classify(checks(signals, attempts), { authKind: null }).confirmed).toBe(confirmed);
  });
});
