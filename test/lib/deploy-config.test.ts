import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lambda/config/load-config.ts';
import { loadDeployConfig } from '../../lib/deploy-config.ts';
import { EXAMPLE_CONFIG } from './synthesized.ts';

const dir = mkdtempSync(join(tmpdir(), 'vendorwatch-deploy-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeConfig(name: string, document: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(document, null, 2));
  return file;
}

describe('loadDeployConfig', () => {
  it('loads the example and gives the functions the validated config, defaults filled in, as compact JSON', () => {
    const { config, document } = loadDeployConfig(EXAMPLE_CONFIG);

    expect(config.vendors.map((vendor) => vendor.id)).toEqual(['miro', 'ideogram', 'billing']);
    expect(document).not.toContain('\n');
    expect(JSON.parse(document)).toEqual(config);
    expect(JSON.parse(document).vendors[0].statusPageUrl).toBe('https://status.miro.com/api/v2/summary.json');
  });

  it('rejects every {env} secret reference at once, naming each path', () => {
    const file = writeConfig('env.config.json', {
      vendors: [
        { id: 'miro', profile: 'miro', auth: { token: { env: 'MIRO_ACCESS_TOKEN' } } },
        {
          id: 'ok',
          profile: 'ideogram',
          auth: { apiKey: { secret: 'vendorwatch/ideogram', field: 'apiKey' } },
        },
        { id: 'ideogram', profile: 'ideogram', auth: { apiKey: { env: 'IDEOGRAM_API_KEY' } } },
      ],
    });

    const error = catchError(() => loadDeployConfig(file));

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual([
      'vendors[0].auth',
      'vendors[2].auth',
    ]);
    expect(error.message).toContain(
      'vendors[0].auth: {env} references only work locally; use {"secret": NAME, "field": KEY} on AWS',
    );
  });

  it('reports schema problems the way the CLI does, before any AWS check', () => {
    const file = writeConfig('bad.config.json', { vendors: [{ id: 'miro', profile: 'nope' }] });

    expect(() => loadDeployConfig(file)).toThrow(/vendors\[0\]\.profile/);
  });
});

function catchError(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
