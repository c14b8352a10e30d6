import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Route = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A raw local vendor on 127.0.0.1 whose every path misbehaves its own way. */
export interface VendorServer {
  readonly url: string;
  readonly routes: Record<string, Route>;
  /** Destroys hung and streaming connections too, so it returns promptly. */
  close(): Promise<void>;
}

const NOT_FOUND: Route = (_req, res) =>
  res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no route"}');

async function listen(server: http.Server, protocol: 'http' | 'https', routes: Record<string, Route>) {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `${protocol}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    routes,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

const dispatch =
  (routes: Record<string, Route>): Route =>
  (req, res) =>
    (routes[new URL(req.url ?? '/', 'http://x').pathname] ?? NOT_FOUND)(req, res);

export function startVendorServer(routes: Record<string, Route> = {}): Promise<VendorServer> {
  return listen(http.createServer(dispatch(routes)), 'http', routes);
}

/** HTTPS with a throwaway self-signed certificate: no client trusts it. */
export async function startSelfSignedServer(routes: Record<string, Route> = {}): Promise<VendorServer> {
  const dir = mkdtempSync(join(tmpdir(), 'vendorwatch-tls-'));
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'].concat([
      '-keyout',
      key,
      '-out',
      cert,
    ]),
    { stdio: 'ignore' },
  );
  const server = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, dispatch(routes));
  rmSync(dir, { recursive: true, force: true });
  return listen(server, 'https', routes);
}

export const json =
  (body: unknown, status = 200, headers: Record<string, string> = {}): Route =>
  (_req, res) =>
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

/** A green Statuspage summary, enough for the status_page check to pass. */
export const GREEN_SUMMARY = {
  page: { id: 'local', name: 'Local vendor' },
  status: { indicator: 'none', description: 'All Systems Operational' },
  components: [{ name: 'API', status: 'operational' }],
  incidents: [],
};
