import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { Timings } from '../core/vocabulary.ts';

export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Read at most this many body bytes; the connection is dropped past it. */
  maxBodyBytes: number;
  /** The cycle's deadline: aborts the exchange wherever it is. */
  signal?: AbortSignal;
}

export type NetworkErrorKind = 'timeout' | 'reset' | 'refused' | 'dns' | 'tls' | 'redirects' | 'other';

/** What came back, or why nothing did. Never thrown: a failing vendor is data. */
export interface HttpExchange {
  status: number | null;
  headers: Record<string, string>;
  body: string;
  bodyBytes: number;
  truncated: boolean;
  timings: Timings;
  error?: { kind: NetworkErrorKind; message: string };
}

const MAX_REDIRECTS = 3;

function errorKind(error: NodeJS.ErrnoException): NetworkErrorKind {
  const code = error.code ?? '';
  if (code === 'ETIMEDOUT' || error.name === 'TimeoutError' || error.name === 'AbortError') return 'timeout';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || error.message === 'socket hang up') return 'reset';
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return 'tls';
  return 'other';
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

const round = (ms: number): number => Math.round(ms);

/** One request on a fresh connection (so the dns/connect/tls phases are real), one response. */
function exchangeOnce(request: HttpRequest, url: URL): Promise<HttpExchange> {
  return new Promise((resolve) => {
    const started = performance.now();
    const since = () => round(performance.now() - started);
    const timings: Timings = { totalMs: 0 };
    let status: number | null = null;
    let headers: Record<string, string> = {};
    const chunks: Buffer[] = [];
    let bodyBytes = 0;
    let truncated = false;
    let settled = false;

    const finish = (error?: HttpExchange['error']) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      timings.totalMs = since();
      const body = Buffer.concat(chunks).toString('utf8');
      resolve({ status, headers, body, bodyBytes, truncated, timings, ...(error ? { error } : {}) });
    };

    const transport = url.protocol === 'https:' ? https : http;
    const req = transport.request(url, {
      method: request.method,
      headers: request.headers,
      agent: false,
    });
    const fail = (error: Error) => {
      req.destroy();
      finish({ kind: errorKind(error), message: error.message });
    };
    const timer = setTimeout(
      () =>
        fail(Object.assign(new Error(`no answer within ${request.timeoutMs} ms`), { name: 'TimeoutError' })),
      request.timeoutMs,
    );
    const onAbort = () => fail(Object.assign(new Error('cycle deadline reached'), { name: 'TimeoutError' }));
    if (request.signal?.aborted) return onAbort();
    request.signal?.addEventListener('abort', onAbort, { once: true });

    req.on('socket', (socket) => {
      socket.once('lookup', () => (timings.dnsMs = since()));
      socket.once('connect', () => (timings.connectMs = since()));
      socket.once('secureConnect', () => (timings.tlsMs = since()));
    });
    req.on('error', (error) => finish({ kind: errorKind(error), message: error.message }));
    req.on('response', (res) => {
      timings.ttfbMs = since();
      status = res.statusCode ?? null;
      headers = flattenHeaders(res.headers);
      res.on('data', (chunk: Buffer) => {
        const room = request.maxBodyBytes - bodyBytes;
        chunks.push(chunk.subarray(0, Math.max(0, room)));
        bodyBytes += Math.min(chunk.length, Math.max(0, room));
        if (chunk.length > room) {
          truncated = true;
          // Stop reading: a huge or endless body must never land in memory.
          res.destroy();
          req.destroy();
          finish();
        }
      });
      res.on('end', () => finish());
      res.on('error', (error) => finish({ kind: errorKind(error), message: error.message }));
      res.on('close', () =>
        finish(res.complete ? undefined : { kind: 'reset', message: 'connection closed mid-body' }),
      );
    });
    req.end(request.body);
  });
}

const isRedirect = (status: number | null): boolean =>
  status !== null && [301, 302, 303, 307, 308].includes(status);

/**
 * Sends a request and reads a capped response. GET/HEAD redirects are followed a few hops; the
 * credential headers are dropped when a redirect leaves the origin.
 */
export async function exchange(
  request: HttpRequest,
  sensitiveHeaders: readonly string[] = [],
): Promise<HttpExchange> {
  let url = new URL(request.url);
  let headers = request.headers;
  const followable = request.method === 'GET' || request.method === 'HEAD';
  for (let hop = 0; ; hop++) {
    const result = await exchangeOnce({ ...request, headers }, url);
    const location = result.headers.location;
    if (!followable || !isRedirect(result.status) || !location) return result;
    if (hop === MAX_REDIRECTS) {
      return { ...result, error: { kind: 'redirects', message: `more than ${MAX_REDIRECTS} redirects` } };
    }
    const next = new URL(location, url);
    if (next.origin !== url.origin) {
      const dropped = new Set(sensitiveHeaders.map((name) => name.toLowerCase()));
      headers = Object.fromEntries(
        Object.entries(headers).filter(([name]) => !dropped.has(name.toLowerCase())),
      );
    }
    url = next;
  }
}
