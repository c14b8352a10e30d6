import type http from 'node:http';
import type { SimulatedVendor, SimulatorMode, VendorKind } from './vendor-simulator.ts';

/**
 * What each simulated vendor answers: its endpoints' bodies, its error formats, its rate-limit
 * headers and the failure each mode stands for. The server in vendor-simulator.ts decides when.
 */

export interface Failure {
  status: number;
  /** Miro's `code`. */
  code: string;
  message: string;
  /** Ideogram's `reject_reason`. */
  rejectReason?: string;
  headers?: Record<string, string>;
}

export interface EndpointContext {
  apiBaseUrl: string;
  query: URLSearchParams;
  mode: SimulatorMode;
  now: Date;
}

/** Miro's published budget, in credits per minute; other kinds borrow it when they announce one. */
const RATE_LIMIT = 100_000;
/** One level-1 read (50 credits) spent: a healthy, nearly full budget. */
const HEALTHY_REMAINING = RATE_LIMIT - 50;
/** Modes that run the budget down, and what they leave of it. */
const REMAINING_BY_MODE: Partial<Record<SimulatorMode, number>> = {
  rate_limited: 0,
  low_remaining: RATE_LIMIT * 0.05,
};

export const MIRO_TOKEN_PATH = '/v1/oauth-token';
const MIRO_SCOPES = ['boards:read', 'boards:write', 'identity:read', 'team:read'];
const MIRO_USER = { type: 'user', id: '3458764517517819000', name: 'Game Day Bot' };
export const KINDS: Record<
  VendorKind,
  { name?: string; components: string[]; endpoints: Record<string, (context: EndpointContext) => unknown> }
> = {
  miro: {
    name: 'Miro',
    components: ['REST API', 'Web app', 'Webhooks'],
    endpoints: { '/v2/boards': miroBoards, [MIRO_TOKEN_PATH]: miroToken },
  },
  ideogram: {
    name: 'Ideogram',
    components: ['API', 'Image generation', 'Website'],
    endpoints: { '/v2/account/usage': ideogramUsage },
  },
  generic: { components: ['API', 'Website'], endpoints: { '/v1/ping': () => ({ ok: true }) } },
};

export const SERVICE_UNAVAILABLE: Failure = {
  status: 503,
  code: 'serviceUnavailable',
  message: 'Service temporarily unavailable',
};

/** Modes whose API answer is always the same error. */
export const FIXED_FAILURES: Partial<Record<SimulatorMode, Failure>> = {
  outage: SERVICE_UNAVAILABLE,
  errors: { status: 500, code: 'internalError', message: 'Internal server error' },
  rate_limited: {
    status: 429,
    code: 'tooManyRequests',
    message: 'Rate limit exceeded',
    rejectReason: 'rate_limited',
    headers: { 'retry-after': '30' },
  },
  unauthorized: { status: 401, code: 'tokenExpired', message: 'The access token has expired' },
  forbidden: { status: 403, code: 'insufficientPermissions', message: 'The token lacks the required scopes' },
  not_found: { status: 404, code: 'notFound', message: 'Board not found' },
  quota: {
    status: 402,
    code: 'insufficientFunds',
    message: 'Insufficient funds',
    rejectReason: 'insufficient_funds',
  },
};

/** Starts like JSON, turns into an HTML error page and stops: parses as neither. */
export const GARBAGE_BODY = '{"data":[<html>oops';
export function isAuthorized(
  { kind, credential }: SimulatedVendor,
  headers: http.IncomingHttpHeaders,
): boolean {
  if (credential === undefined) return true;
  const bearer = headers.authorization === `Bearer ${credential}`;
  if (kind === 'miro') return bearer;
  if (kind === 'ideogram') return headers['api-key'] === credential;
  return bearer || headers['x-api-key'] === credential;
}

export function credentialFailure({ kind }: SimulatedVendor, req: http.IncomingMessage): Failure {
  if (kind === 'miro' && req.headers.authorization === undefined) {
    return { status: 401, code: 'tokenNotProvided', message: 'No access token provided' };
  }
  return { status: 401, code: 'unauthorized', message: 'Unauthorized' };
}

/** Every request header verbatim, secrets included: what a careless vendor writes into an error. */
export function echoFailure(rawHeaders: readonly string[]): Failure {
  const lines: string[] = [];
  for (let index = 0; index < rawHeaders.length; index += 2) {
    lines.push(`${rawHeaders[index]}: ${rawHeaders[index + 1]}`);
  }
  const echoed = lines.join('; ');
  return {
    status: 500,
    code: 'internalError',
    message: `Request failed; received headers: ${echoed}`,
    headers: { 'x-echo': echoed },
  };
}

/** Miro announces its budget on every answer; the other kinds only once it runs short. */
export function rateLimitHeaders(kind: VendorKind, mode: SimulatorMode): Record<string, string> {
  const remaining = REMAINING_BY_MODE[mode];
  if (kind !== 'miro' && remaining === undefined) return {};
  const nextMinute = Math.floor(Date.now() / 60_000) * 60 + 60;
  return {
    'x-ratelimit-limit': String(RATE_LIMIT),
    'x-ratelimit-remaining': String(remaining ?? HEALTHY_REMAINING),
    'x-ratelimit-reset': String(nextMinute),
  };
}

export function errorBody(kind: VendorKind, failure: Failure): object {
  // Payment Required has one documented body, Ideogram's; every kind answers a spent quota with it.
  if (kind === 'ideogram' || failure.status === 402) {
    return { error: failure.message, ...(failure.rejectReason && { reject_reason: failure.rejectReason }) };
  }
  if (kind === 'miro') {
    const { status, code, message } = failure;
    return { status, code, message, context: null, type: 'error' };
  }
  return { error: failure.message };
}

function miroBoards({ apiBaseUrl, query, now }: EndpointContext) {
  const limit = Number(query.get('limit')) || 20;
  const id = 'uXjVOsim000=';
  const board = {
    id,
    type: 'board',
    name: 'Game day board',
    description: 'Served by the vendorwatch simulator',
    links: { self: `${apiBaseUrl}/v2/boards/${id}` },
    createdAt: now.toISOString(),
    modifiedAt: now.toISOString(),
  };
  const links = { self: `${apiBaseUrl}/v2/boards?limit=${limit}&offset=0` };
  return { data: [board], total: 1, size: 1, offset: 0, limit, links, type: 'list' };
}

function miroToken({ mode }: EndpointContext) {
  return {
    type: 'oauth_token',
    scopes: mode === 'forbidden' ? ['identity:read'] : MIRO_SCOPES,
    team: { type: 'team', id: '3458764517517818999', name: 'Game Day Team' },
    createdBy: MIRO_USER,
    user: MIRO_USER,
  };
}

/** Today's daily bucket, empty: the usage read is free and nothing billable happened. */
function ideogramUsage({ now }: EndpointContext) {
  const start = new Date(now);
  start.setUTCHours(0, 0, 0, 0);
  const end = new Date(start.getTime() + 86_400_000);
  return { buckets: [{ start_time: start.toISOString(), end_time: end.toISOString(), line_items: [] }] };
}
