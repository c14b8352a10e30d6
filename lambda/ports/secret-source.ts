import type { SecretReference } from '../config/schema.ts';

/** A secret could not be resolved. The message names the reference, never a value. */
export class SecretError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretError';
  }
}

export interface SecretSource {
  /** @throws SecretError */
  resolve(reference: SecretReference): Promise<string>;
}
