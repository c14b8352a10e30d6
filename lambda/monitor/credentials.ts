import type { VendorConfig } from '../config/profiles.ts';
import type { SecretReference } from '../config/schema.ts';
import { SecretError, type SecretSource } from '../ports/secret-source.ts';

export interface Credentials {
  /** The resolved credential per vendor id; null for vendors without auth. */
  byVendor: Map<string, string | null>;
  /** Every value resolved, for the redactor: masked wherever a vendor echoes it. */
  secrets: string[];
}

/** A credential could not be resolved; `path` points into the config file. */
export interface CredentialProblem {
  path: string;
  message: string;
}

/** What an HTTP header can carry (as Node's client enforces): no control characters, nothing beyond Latin-1. */
const UNSENDABLE = /[^\t\x20-\x7e\x80-\xff]/;

async function resolveSendable(source: SecretSource, reference: SecretReference): Promise<string> {
  const value = await source.resolve(reference);
  // Sent as is, every request of the vendor would throw; the value itself is never quoted.
  if (UNSENDABLE.test(value)) {
    throw new SecretError(
      'the credential holds a line break, a control character or a character beyond Latin-1, which no HTTP header can carry: check the stored value',
    );
  }
  return value;
}

/** Resolves every vendor's credential at once, so all missing ones are reported together. */
export async function resolveCredentials(
  vendors: readonly VendorConfig[],
  source: SecretSource,
): Promise<{ credentials: Credentials; problems: CredentialProblem[] }> {
  const problems: CredentialProblem[] = [];
  const resolved = await Promise.all(
    vendors.map(async (vendor, index): Promise<[string, string | null]> => {
      if (!vendor.auth) return [vendor.id, null];
      try {
        return [vendor.id, await resolveSendable(source, vendor.auth.secret)];
      } catch (error) {
        problems.push({
          path: `vendors[${index}].auth.${vendor.auth.kind}`,
          message: (error as Error).message,
        });
        return [vendor.id, null];
      }
    }),
  );
  const byVendor = new Map(resolved);
  const secrets = [...byVendor.values()].filter((value): value is string => typeof value === 'string');
  return { credentials: { byVendor, secrets }, problems };
}
