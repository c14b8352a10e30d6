import { inspect } from 'node:util';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EnvSecretSource } from '../../../lambda/adapters/env-secret-source.ts';
import { SecretsManagerSecretSource } from '../../../lambda/adapters/secrets-manager-secret-source.ts';
import { SecretError } from '../../../lambda/ports/secret-source.ts';
import {
  awsClientConfig,
  type MotoServer,
  motoAvailable,
  motoSkipReason,
  startMotoServer,
} from '../../support/moto-server.ts';

describe('EnvSecretSource', () => {
  it('resolves an env reference to the variable', async () => {
    // Prepare
    const source = new EnvSecretSource({ MIRO_ACCESS_TOKEN: 'miro-token-value' });

    // Act
    const value = await source.resolve({ env: 'MIRO_ACCESS_TOKEN' });

    // Assess
    expect(value).toBe('miro-token-value');
  });

  it.each([
    ['unset', {}],
    ['set but empty', { MIRO_ACCESS_TOKEN: '' }],
  ])('refuses a variable that is %s, naming it', async (_, env) => {
    // Prepare
    const source = new EnvSecretSource(env);

    // Act
    const resolving = source.resolve({ env: 'MIRO_ACCESS_TOKEN' });

    // Assess
    await expect(resolving).rejects.toEqual(
      new SecretError('environment variable MIRO_ACCESS_TOKEN is not set'),
    );
  });

  it('says a Secrets Manager reference needs AWS', async () => {
    // Prepare
    const source = new EnvSecretSource({ 'vendorwatch/ideogram': 'not-a-place-for-secrets' });

    // Act
    const resolving = source.resolve({ secret: 'vendorwatch/ideogram', field: 'apiKey' });

    // Assess
    await expect(resolving).rejects.toThrow(/vendorwatch\/ideogram.*Secrets Manager.*AWS/);
  });
});

if (!motoAvailable) console.warn(motoSkipReason);

describe.skipIf(!motoAvailable)(
  'SecretsManagerSecretSource on the Secrets Manager wire protocol (moto_server)',
  () => {
    const API_KEY = 'ideogram-api-key-value';
    let moto: MotoServer;
    let client: SecretsManagerClient;

    beforeAll(async () => {
      moto = await startMotoServer();
      client = new SecretsManagerClient(awsClientConfig(moto.endpoint));
      await client.send(
        new CreateSecretCommand({
          Name: 'vendorwatch/ideogram',
          SecretString: JSON.stringify({ apiKey: API_KEY }),
        }),
      );
      await client.send(
        new CreateSecretCommand({ Name: 'vendorwatch/miro-token', SecretString: 'miro-token-value' }),
      );
    });
    afterAll(async () => {
      client?.destroy();
      await moto?.stop();
    });

    /** The client's calls, counted: the cache is observable only as requests that did not happen. */
    function countingClient() {
      const counted = new SecretsManagerClient(awsClientConfig(moto.endpoint));
      const send = vi.spyOn(counted, 'send');
      return { client: counted, calls: () => send.mock.calls.length };
    }

    it('reads one field of a JSON secret', async () => {
      // Prepare
      const source = new SecretsManagerSecretSource(client);

      // Act
      const value = await source.resolve({ secret: 'vendorwatch/ideogram', field: 'apiKey' });

      // Assess
      expect(value).toBe(API_KEY);
    });

    it('reads a whole secret when no field is named', async () => {
      // Prepare
      const source = new SecretsManagerSecretSource(client);

      // Act
      const value = await source.resolve({ secret: 'vendorwatch/miro-token' });

      // Assess
      expect(value).toBe('miro-token-value');
    });

    it('names the secret and the field when the field is missing, without the value', async () => {
      // Prepare
      const source = new SecretsManagerSecretSource(client);

      // Act
      const resolving = source.resolve({ secret: 'vendorwatch/ideogram', field: 'token' });

      // Assess
      await expect(resolving).rejects.toBeInstanceOf(SecretError);
      await expect(resolving).rejects.toThrow(/vendorwatch\/ideogram.*token/);
      await expect(resolving).rejects.not.toThrow(API_KEY);
    });

    it('does not quote a secret that is not JSON when a field is asked of it', async () => {
      // Prepare
      const source = new SecretsManagerSecretSource(client);

      // Act
      const resolving = source.resolve({ secret: 'vendorwatch/miro-token', field: 'token' });

      // Assess
      const error: unknown = await resolving.catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(SecretError);
      expect(inspect(error, { depth: null })).not.toContain('miro-token-value');
    });

    it('names an unknown secret, with the AWS error as cause and no secret value anywhere', async () => {
      // Prepare
      const source = new SecretsManagerSecretSource(client);
      await source.resolve({ secret: 'vendorwatch/ideogram', field: 'apiKey' });

      // Act
      const error: unknown = await source
        .resolve({ secret: 'vendorwatch/unknown' })
        .catch((thrown: unknown) => thrown);

      // Assess
      expect(error).toBeInstanceOf(SecretError);
      expect((error as SecretError).message).toContain('vendorwatch/unknown');
      expect((error as SecretError).cause).toMatchObject({ name: 'ResourceNotFoundException' });
      expect(inspect(error, { depth: null })).not.toContain(API_KEY);
    });

    it('asks Secrets Manager once per secret within the TTL, concurrent callers included', async () => {
      // Prepare
      const { client: counted, calls } = countingClient();
      const source = new SecretsManagerSecretSource(counted, { ttlMs: 60_000 });
      const reference = { secret: 'vendorwatch/ideogram', field: 'apiKey' };

      // Act
      const concurrent = await Promise.all([source.resolve(reference), source.resolve(reference)]);
      const later = await source.resolve(reference);

      // Assess
      expect([...concurrent, later]).toEqual([API_KEY, API_KEY, API_KEY]);
      expect(calls()).toBe(1);
    });

    it('asks again once the TTL has passed', async () => {
      // Prepare
      let now = 0;
      const { client: counted, calls } = countingClient();
      const source = new SecretsManagerSecretSource(counted, { ttlMs: 60_000, now: () => now });
      const reference = { secret: 'vendorwatch/ideogram', field: 'apiKey' };
      await source.resolve(reference);

      // Act
      now = 59_999;
      await source.resolve(reference);
      const callsWithinTtl = calls();
      now = 60_000;
      await source.resolve(reference);

      // Assess
      expect(callsWithinTtl).toBe(1);
      expect(calls()).toBe(2);
    });

    it('does not remember a failure: the next caller asks again', async () => {
      // Prepare
      const { client: counted, calls } = countingClient();
      const source = new SecretsManagerSecretSource(counted);
      await source.resolve({ secret: 'vendorwatch/unknown' }).catch(() => undefined);

      // Act
      const retry = source.resolve({ secret: 'vendorwatch/unknown' });

      // Assess
      await expect(retry).rejects.toBeInstanceOf(SecretError);
      expect(calls()).toBe(2);
    });

    it('hands env references to its fallback, and refuses them without one', async () => {
      // Prepare
      const withFallback = new SecretsManagerSecretSource(client, {
        fallback: new EnvSecretSource({ MIRO_ACCESS_TOKEN: 'miro-token-value' }),
      });
      const alone = new SecretsManagerSecretSource(client);

      // Act
      const fromFallback = await withFallback.resolve({ env: 'MIRO_ACCESS_TOKEN' });
      const refused = alone.resolve({ env: 'MIRO_ACCESS_TOKEN' });

      // Assess
      expect(fromFallback).toBe('miro-token-value');
      await expect(refused).rejects.toThrow(/MIRO_ACCESS_TOKEN/);
    });
  },
);
