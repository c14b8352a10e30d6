import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '../../bin/vendorwatch.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `vendorwatch` executable as a user would, in its own process. */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<CliRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, NO_COLOR: '1', ...env }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** Writes a config document to a fresh temp dir and returns its path. */
export function writeConfig(document: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'vendorwatch-config-')), 'vendorwatch.config.json');
  writeFileSync(file, JSON.stringify(document, null, 2));
  return file;
}
