import type { SecretReference } from '../config/schema.ts';
import { SecretError, type SecretSource } from '../ports/secret-source.ts';

/** Resolves `{ "env": NAME }` references: the local way, no AWS needed. */
export class EnvSecretSource implements SecretSource {
  constructor(private readonly env: Readonly<Record<string, string | undefined>> = process.env) {}

  async resolve(reference: SecretReference): Promise<string> {
    if ('secret' in reference) {
      throw new SecretError(
        `secret "${reference.secret}" is a Secrets Manager reference: it needs AWS, not the environment`,
      );
    }
    const value = this.env[reference.env];
    if (!value) throw new SecretError(`environment variable ${reference.env} is not set`);
    return value;
  }
}
