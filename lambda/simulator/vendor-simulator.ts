import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { seededRandom } from '../core/seeded-random.ts';
import { type StatusPageCondition, statusPageSummary } from './statuspage-fixtures.ts';
import {
  credentialFailure,
  echoFailure,
  errorBody,
  type Failure,
  FIXED_FAILURES,
  GARBAGE_BODY,
  isAuthorized,
  KINDS,
  MIRO_TOKEN_PATH,
  rateLimitHeaders,
  SERVICE_UNAVAILABLE,
} from './vendor-answers.ts';

/**
 * A local stand-in for the vendors vendorwatch watches: each one's status page, API and entry in our
 * own app's health endpoint, switched between the failure modes the runbooks describe. Tests, the
 * `vendorwatch demo` game day and users' own game days point vendor configs at it.
 */

export type VendorKind = 'miro' | 'ideogram' | 'generic';

export const SIMULATOR_MODES = [
  'healthy',
  'outage',
  'errors',
  'slow',
  'rate_limited',
  'low_remaining',
  'unauthorized',
  'forbidden',
  'not_found',
  'quota',
  'status_down',
  'status_minor',
  'garbage',
  'huge',
  'hang',
  'reset',
  'app_unhealthy',
  'flapping',
  'transient',
  'echo',
] as const;
export type SimulatorMode = (typeof SIMULATOR_MODES)[number];

export interface SimulatedVendor {
  /** One URL path segment; `app` and `status` are taken by the app health endpoint. */
  id: string;
  kind: VendorKind;
  /** @default 'healthy' */
  mode?: SimulatorMode;
  /** When set, API requests must present exactly this (kind's auth header); otherwise no auth check. */
  credential?: string;
}

export interface SimulatorOptions {
  vendors: SimulatedVendor[];
  /** Always bound on 127.0.0.1. @default 0 (ephemeral) */
  port?: number;
  /** Delay before a `slow` API answer. @default 2500 */
  slowMs?: number;
  /** Fraction of `transient` API requests failing with 503. @default 0.3 */
  transientFailureRate?: number;
  /** Seeds the PRNG behind `transient`, so a scenario replays identically. @default 1 */
  seed?: number;
  /** Size of the `huge` body. @default 50 MiB */
  hugeBytes?: number;
}

export interface SimulatorRequest {
  /** First path segment: a vendor id, or `app` for the app health endpoint. */
  vendor: string;
  method: string;
  /** Request target as sent, query included. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface VendorSimulator {
  readonly url: string;
  /** Starts the mode afresh (incident start, flapping phase, transient PRNG). Throws on an unknown id. */
  setMode(vendorId: string, mode: SimulatorMode): void;
  mode(vendorId: string): SimulatorMode;
  /** Every request received, in order: lets tests prove which credential was sent. */
  readonly requests: readonly SimulatorRequest[];
  statusPageUrl(vendorId: string): string;
  apiBaseUrl(vendorId: string): string;
  appHealthUrl(): string;
  /** Returns promptly even with hung or streaming connections open: their sockets are destroyed. */
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions): Promise<VendorSimulator> {
  const simulator = new Simulator(options);
  await simulator.listen(options.port ?? 0);
  return simulator;
}

/** A vendor's error, before it is dressed in the vendor kind's body format. */
interface VendorState {
  readonly vendor: SimulatedVendor;
  readonly mode: SimulatorMode;
  /** When the mode was set: the start of the status page's incident. */
  readonly since: Date;
  /** Requests per endpoint path, so flapping alternates for each call on its own. */
  readonly requestsByPath: Map<string, number>;
  readonly random: () => number;
}

const STATUS_SUMMARY_PATH = '/api/v2/summary.json';
const RESERVED_IDS = ['app', 'status'];

const STATUS_PAGE_CONDITION: Partial<Record<SimulatorMode, StatusPageCondition>> = {
  outage: 'major',
  status_minor: 'minor',
};

const STATUS_PAGE_DOWN_HTML = '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>';
/** About 64 KiB of board-like records: the `huge` body repeats it. */
const FILLER = Buffer.from('{"id":"uXjVOsim000=","type":"board"},'.repeat(1800));

class Simulator implements VendorSimulator {
  readonly requests: SimulatorRequest[] = [];
  readonly #vendors = new Map<string, VendorState>();
  readonly #sockets = new Set<Socket>();
  /** Aborted by close(): cuts short `slow` answers still waiting. */
  readonly #closing = new AbortController();
  readonly #server = http.createServer((req, res) => {
    this.#handle(req, res).catch((error: unknown) => abandon(res, error));
  });
  readonly #slowMs: number;
  readonly #transientFailureRate: number;
  readonly #seed: number;
  readonly #hugeBytes: number;
  #url = '';
  #closed: Promise<void> | undefined;

  constructor(options: SimulatorOptions) {
    this.#slowMs = options.slowMs ?? 2500;
    this.#transientFailureRate = options.transientFailureRate ?? 0.3;
    this.#seed = options.seed ?? 1;
    this.#hugeBytes = options.hugeBytes ?? 50 * 1024 * 1024;
    assertVendorIds(options.vendors);
    for (const vendor of options.vendors) this.#start(vendor, vendor.mode ?? 'healthy');
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  async listen(port: number): Promise<void> {
    this.#server.listen(port, '127.0.0.1');
    await once(this.#server, 'listening');
    this.#url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  get url(): string {
    return this.#url;
  }

  setMode(vendorId: string, mode: SimulatorMode): void {
    this.#start(this.#state(vendorId).vendor, mode);
  }

  mode(vendorId: string): SimulatorMode {
    return this.#state(vendorId).mode;
  }

  statusPageUrl(vendorId: string): string {
    return `${this.#url}/${vendorId}/status`;
  }

  apiBaseUrl(vendorId: string): string {
    return `${this.#url}/${vendorId}/api`;
  }

  appHealthUrl(): string {
    return `${this.#url}/app/health`;
  }

  close(): Promise<void> {
    this.#closed ??= this.#shutDown();
    return this.#closed;
  }

  async #shutDown(): Promise<void> {
    this.#closing.abort();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  #start(vendor: SimulatedVendor, mode: SimulatorMode): void {
    if (!SIMULATOR_MODES.includes(mode)) throw new Error(`unknown simulator mode "${mode}"`);
    this.#vendors.set(vendor.id, {
      vendor,
      mode,
      since: new Date(),
      requestsByPath: new Map(),
      random: seededRandom(this.#seed),
    });
  }

  #state(vendorId: string): VendorState {
    const state = this.#vendors.get(vendorId);
    if (state) return state;
    throw new Error(`unknown vendor "${vendorId}"; simulated: ${[...this.#vendors.keys()].join(', ')}`);
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    // Prefixing the origin keeps a target like `//x` a path instead of a host.
    const url = new URL(`${this.#url}${target}`);
    const [vendorId = '', area, ...rest] = url.pathname.split('/').slice(1);
    this.requests.push({
      vendor: vendorId,
      method: req.method ?? 'GET',
      path: target,
      headers: { ...req.headers },
    });
    const state = this.#vendors.get(vendorId);
    const subPath = `/${rest.join('/')}`;
    if (url.pathname === '/app/health') return sendJson(res, 200, appHealth(this.#vendors.values()));
    const isSummary = area === 'status' && subPath === STATUS_SUMMARY_PATH;
    if (state && isSummary) return this.#answerStatusPage(state, res);
    if (state && area === 'api') return this.#answerApi(state, subPath, url.searchParams, req, res);
    sendJson(res, 404, { error: 'Not found', path: url.pathname });
  }

  #answerStatusPage(state: VendorState, res: http.ServerResponse): void {
    if (state.mode === 'status_down') send(res, 503, STATUS_PAGE_DOWN_HTML, { 'content-type': 'text/html' });
    else sendJson(res, 200, this.#statusPageSummary(state));
  }

  #statusPageSummary({ vendor, mode, since }: VendorState) {
    const kind = KINDS[vendor.kind];
    return statusPageSummary({
      pageId: vendor.id,
      name: kind.name ?? vendor.id,
      url: this.statusPageUrl(vendor.id),
      componentNames: kind.components,
      condition: STATUS_PAGE_CONDITION[mode] ?? 'operational',
      since,
      now: new Date(),
    });
  }

  /** Order of a real edge: connection faults, latency, authentication, then the vendor's answer. */
  async #answerApi(
    state: VendorState,
    path: string,
    query: URLSearchParams,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> {
    const { vendor, mode } = state;
    const endpoint = KINDS[vendor.kind].endpoints[path];
    if (!endpoint)
      return sendFailure(res, state, { status: 404, code: 'notFound', message: 'No such route' });
    if (mode === 'hang') return; // held open, silent, until close() destroys the socket
    if (mode === 'reset') return void req.socket.resetAndDestroy();
    if (mode === 'slow') await delay(this.#slowMs, undefined, { signal: this.#closing.signal });
    if (!isAuthorized(vendor, req.headers)) return sendFailure(res, state, credentialFailure(vendor, req));
    const failure = this.#modeFailure(state, path, req);
    if (failure) return sendFailure(res, state, failure);
    const headers = { 'content-type': 'application/json', ...rateLimitHeaders(vendor.kind, mode) };
    if (mode === 'garbage') return send(res, 200, GARBAGE_BODY, headers);
    if (mode === 'huge') return streamHuge(res, headers, this.#hugeBytes);
    const now = new Date();
    sendJson(res, 200, endpoint({ apiBaseUrl: this.apiBaseUrl(vendor.id), query, mode, now }), headers);
  }

  #modeFailure(state: VendorState, path: string, req: http.IncomingMessage): Failure | undefined {
    switch (state.mode) {
      case 'flapping': {
        // Per endpoint: a client's retry of the same call lands on the other phase, whatever else it asks meanwhile.
        const count = (state.requestsByPath.get(path) ?? 0) + 1;
        state.requestsByPath.set(path, count);
        return count % 2 === 1 ? SERVICE_UNAVAILABLE : undefined;
      }
      case 'transient':
        return state.random() < this.#transientFailureRate ? SERVICE_UNAVAILABLE : undefined;
      case 'echo':
        return echoFailure(req.rawHeaders);
      case 'forbidden':
        // A 403 is about scopes, not the token: introspection still answers, showing what is missing.
        return path === MIRO_TOKEN_PATH ? undefined : FIXED_FAILURES.forbidden;
      default:
        return FIXED_FAILURES[state.mode];
    }
  }
}

function assertVendorIds(vendors: readonly SimulatedVendor[]): void {
  const seen = new Set<string>();
  for (const { id } of vendors) {
    if (!/^[\w.~-]+$/.test(id)) throw new Error(`vendor id "${id}" must be a single URL path segment`);
    if (RESERVED_IDS.includes(id)) throw new Error(`vendor id "${id}" is taken by the app health endpoint`);
    if (seen.has(id)) throw new Error(`duplicate vendor id "${id}"`);
    seen.add(id);
  }
}

function sendFailure(res: http.ServerResponse, { vendor, mode }: VendorState, failure: Failure): void {
  const headers = { ...rateLimitHeaders(vendor.kind, mode), ...failure.headers };
  sendJson(res, failure.status, errorBody(vendor.kind, failure), headers);
}

function appHealth(states: Iterable<VendorState>): Record<string, unknown> {
  const entries = [...states].map(({ vendor, mode }) =>
    mode === 'app_unhealthy'
      ? { id: vendor.id, entry: { status: 'down', error: 'upstream timeouts' } }
      : { id: vendor.id, entry: { status: 'ok' } },
  );
  const degraded = entries.some(({ entry }) => entry.status !== 'ok');
  // Stays 200 when degraded: every vendor reads its own entry, and a 503 would fail them all.
  return {
    status: degraded ? 'degraded' : 'ok',
    ...Object.fromEntries(entries.map(({ id, entry }) => [id, entry])),
  };
}

/** Streams `bytes` of filler at the reader's pace, never holding the body, and stops when the reader leaves. */
function streamHuge(res: http.ServerResponse, headers: Record<string, string>, bytes: number): void {
  res.writeHead(200, { ...headers, 'content-length': bytes });
  pipeline(Readable.from(fillerChunks(bytes)), res).catch(() => {
    // The reader went away mid-body: the situation this mode exists for, not a simulator fault.
  });
}

function* fillerChunks(total: number): Generator<Buffer> {
  for (let sent = 0; sent < total; sent += FILLER.length) {
    yield FILLER.subarray(0, Math.min(FILLER.length, total - sent));
  }
}

function send(res: http.ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  res.writeHead(status, headers).end(body);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers = {}): void {
  send(res, status, JSON.stringify(body), { ...headers, 'content-type': 'application/json' });
}

/** A `slow` answer cut short by close() lands here; anything else is a simulator bug, shown as a 500. */
function abandon(res: http.ServerResponse, error: unknown): void {
  if (res.headersSent || res.destroyed) res.destroy();
  else sendJson(res, 500, { error: `simulator failure: ${String(error)}` });
}
