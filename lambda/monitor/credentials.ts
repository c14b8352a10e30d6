import type { VendorConfig } from '../config/profiles.ts';
import type { SecretSource } from '../ports/secret-source.ts';

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
        return [vendor.id, await source.resolve(vendor.auth.secret)];
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
