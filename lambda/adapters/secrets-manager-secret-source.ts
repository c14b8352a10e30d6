import {
  GetSecretValueCommand,
  type GetSecretValueCommandOutput,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { SecretReference } from '../config/schema.ts';
import { SecretError, type SecretSource } from '../ports/secret-source.ts';

export interface SecretsManagerSourceOptions {
  /** How long a fetched secret is reused; a rotation is picked up within this time. */
  ttlMs?: number;
  now?: () => number;
  /** Resolves `{ "env": NAME }` references, which Secrets Manager cannot. */
  fallback?: SecretSource;
}

interface CachedSecret {
  expiresAt: number;
  secretString: Promise<string>;
}

/**
 * Resolves `{ "secret": NAME_OR_ARN, "field"?: KEY }` references. Each secret is fetched at most once
 * per TTL, and callers asking at the same time share one request: a probe cycle resolving several
 * vendors' credentials costs one GetSecretValue per secret, not per vendor or per minute.
 */
export class SecretsManagerSecretSource implements SecretSource {
  private readonly cache = new Map<string, CachedSecret>();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly fallback: SecretSource | undefined;

  constructor(
    private readonly client: SecretsManagerClient,
    options: SecretsManagerSourceOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 300_000;
    this.now = options.now ?? Date.now;
    this.fallback = options.fallback;
  }

  async resolve(reference: SecretReference): Promise<string> {
    if ('env' in reference) {
      if (this.fallback) return this.fallback.resolve(reference);
      throw new SecretError(`environment variable ${reference.env} cannot be read from Secrets Manager`);
    }
    const secretString = await this.secretString(reference.secret);
    return reference.field === undefined
      ? secretString
      : fieldOf(secretString, reference.secret, reference.field);
  }

  private secretString(secretId: string): Promise<string> {
    const now = this.now();
    const cached = this.cache.get(secretId);
    if (cached && now < cached.expiresAt) return cached.secretString;

    const secretString = this.fetch(secretId);
    this.cache.set(secretId, { expiresAt: now + this.ttlMs, secretString });
    // A failure is not remembered: the next caller asks again.
    secretString.catch(() => {
      if (this.cache.get(secretId)?.secretString === secretString) this.cache.delete(secretId);
    });
    return secretString;
  }

  private async fetch(secretId: string): Promise<string> {
    let output: GetSecretValueCommandOutput;
    try {
      output = await this.client.send(new GetSecretValueCommand({ SecretId: secretId }));
    } catch (error) {
      const reason = error instanceof Error ? `: ${error.name}` : '';
      throw new SecretError(`could not read secret "${secretId}" from Secrets Manager${reason}`, {
        cause: error,
      });
    }
    if (output.SecretString === undefined) {
      throw new SecretError(`secret "${secretId}" has no SecretString (binary secrets are not supported)`);
    }
    return output.SecretString;
  }
}

function fieldOf(secretString: string, secretId: string, field: string): string {
  let fields: unknown;
  try {
    fields = JSON.parse(secretString);
  } catch {
    // No cause attached: JSON.parse's message quotes the text it could not parse, which is the secret.
    throw new SecretError(`secret "${secretId}" is not JSON, so it has no field "${field}"`);
  }
  const value =
    typeof fields === 'object' && fields !== null ? (fields as Record<string, unknown>)[field] : undefined;
  if (typeof value !== 'string') throw new SecretError(`secret "${secretId}" has no string field "${field}"`);
  return value;
}
