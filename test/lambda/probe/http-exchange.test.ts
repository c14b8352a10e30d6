import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchange, type HttpRequest } from '../../../lambda/probe/http-exchange.ts';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A raw local server whose behaviour each test picks by path. */
const routes: Record<string, Handler> = {
  '/ok': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
  '/hang-before-headers': () => undefined,
  '/hang-mid-body': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"partial":');
  },
  '/reset': (req) => req.socket.destroy(),
  '/endless': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const pump = () => {
      while (res.write(chunk)) {
        /* keep the socket full until the client stops reading */
      }
    };
    res.on('drain', pump);
    pump();
  },
  '/loop': (_req, res) => res.writeHead(302, { location: '/loop' }).end(),
  '/echo-headers': (req, res) => res.writeHead(200).end(JSON.stringify(req.headers)),
};

let server: http.Server;
let base: string;
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = http.createServer((req, res) => (routes[req.url ?? ''] ?? routes['/ok']!)(req, res));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const request = (path: string, overrides: Partial<HttpRequest> = {}): HttpRequest => ({
  method: 'GET',
  url: `${base}${path}`,
  headers: {},
  timeoutMs: 500,
  maxBodyBytes: 64 * 1024,
  ...overrides,
});

describe('exchange: a vendor that misbehaves is a result, never a throw or a hang', () => {
  it('reads status, headers, body and phase timings', async () => {
    const result = await exchange(request('/ok'));

    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ ok: true });
    expect(result.timings.connectMs).toBeTypeOf('number');
    expect(result.timings.ttfbMs).toBeTypeOf('number');
    expect(result.error).toBeUndefined();
  });

  it.each([
    ['hang before headers', '/hang-before-headers'],
    ['hang mid-body', '/hang-mid-body'],
  ])('%s ends as a timeout', async (_name, path) => {
    const result = await exchange(request(path, { timeoutMs: 300 }));

    expect(result.error?.kind).toBe('timeout');
  });

  it('a reset connection is a reset', async () => {
    expect((await exchange(request('/reset'))).error?.kind).toBe('reset');
  });

  it('stops reading an endless body at the cap without buffering it', async () => {
    const before = process.memoryUsage().arrayBuffers;

    const result = await exchange(request('/endless', { maxBodyBytes: 100_000, timeoutMs: 5_000 }));

    expect(result.truncated).toBe(true);
    expect(result.bodyBytes).toBe(100_000);
    expect(result.body.length).toBe(100_000);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(20 * 1024 * 1024);
  });

  it('gives up on a redirect loop', async () => {
    expect((await exchange(request('/loop'))).error?.kind).toBe('redirects');
  });

  it('the cycle deadline aborts an exchange already under way', async () => {
    const result = await exchange(
      request('/hang-before-headers', { timeoutMs: 10_000, signal: AbortSignal.timeout(200) }),
    );

    expect(result.error?.kind).toBe('timeout');
  });

  it('a host that does not resolve is a DNS failure', async () => {
    const result = await exchange(
      request('', { url: 'http://vendorwatch-no-such-host.invalid/', timeoutMs: 5_000 }),
    );

    expect(result.error?.kind).toBe('dns');
  });

  it('a connection refused is refused', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    expect((await exchange(request('', { url: `http://127.0.0.1:${port}/` }))).error?.kind).toBe('refused');
  });

  it('drops credential headers when a redirect leaves the origin', async () => {
    const other = http.createServer((req, res) => res.end(JSON.stringify(req.headers)));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherOrigin = `http://localhost:${(other.address() as AddressInfo).port}`;
    routes['/away'] = (_req, res) => res.writeHead(302, { location: `${otherOrigin}/echo` }).end();

    const result = await exchange(request('/away', { headers: { authorization: 'Bearer s3cret' } }), [
      'authorization',
    ]);
    await new Promise((resolve) => other.close(resolve));

    expect(result.status).toBe(200);
    expect(result.body).not.toContain('s3cret');
  });
});

describe('exchange over TLS', () => {
  it('a self-signed certificate is a TLS failure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vendorwatch-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const tls = https.createServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (_req, res) => res.end('ok'),
    );
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));

    const result = await exchange(
      request('', { url: `https://127.0.0.1:${(tls.address() as AddressInfo).port}/` }),
    );
    await new Promise((resolve) => tls.close(resolve));

    expect(result.error?.kind).toBe('tls');
    expect(result.status).toBeNull();
  });
});
