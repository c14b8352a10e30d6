import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * moto_server (`pip install "moto[server]"`) speaks the real AWS wire protocols for S3, SNS, SQS and
 * Secrets Manager, so integration tests exercise the SDK's requests and error parsing, not stubs.
 */
const MOTO_SERVER = 'moto_server';
const START_TIMEOUT_MS = 15_000;
const START_ATTEMPTS = 3;

export const motoAvailable: boolean = isOnPath(MOTO_SERVER);
export const motoSkipReason = `${MOTO_SERVER} is not on PATH (pip install "moto[server]"): skipping the tests against AWS wire protocols`;

export interface MotoServer {
  endpoint: string;
  stop(): Promise<void>;
}

/** AWS SDK client settings for a moto endpoint: dummy credentials, path-style S3 addressing. */
export function awsClientConfig(endpoint: string) {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    forcePathStyle: true,
  };
}

export async function startMotoServer(): Promise<MotoServer> {
  // Another process can take the free port between our probe and moto's bind: then moto exits and we retry.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const server = spawnWithLifeline(port);
    const endpoint = `http://127.0.0.1:${port}`;
    try {
      await waitUntilAnswering(endpoint, server.child);
      return { endpoint, stop: server.stop };
    } catch (error) {
      await server.stop();
      if (attempt === START_ATTEMPTS) {
        throw new Error(`${MOTO_SERVER} did not start: ${String(error)}\n${server.output()}`, {
          cause: error,
        });
      }
    }
  }
}

/**
 * moto_server runs under a shell that holds our end of a pipe as its stdin. When this process exits,
 * however it dies, the pipe closes, `read` returns and the shell stops moto: no server outlives its tests.
 */
const LIFELINE = `
exec 3<&0
${MOTO_SERVER} -H 127.0.0.1 -p "$1" </dev/null 3<&- &
server=$!
{ read -r _ <&3; kill "$server" 2>/dev/null; } &
watcher=$!
wait "$server"
status=$?
kill "$watcher" 2>/dev/null
exit "$status"
`;

function spawnWithLifeline(port: number) {
  const child = spawn('sh', ['-c', LIFELINE, 'moto-lifeline', String(port)], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  // moto logs every request to stderr: keep draining it (a full pipe would stall the server) and keep
  // the tail to explain a failed start.
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => output,
    stop: async (): Promise<void> => {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin?.end();
        await exited;
      }
    },
  };
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`it exited with status ${child.exitCode}`);
    try {
      await fetch(endpoint, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`no answer from ${endpoint} within ${START_TIMEOUT_MS / 1000} s`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function isOnPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
