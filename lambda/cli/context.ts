import { EnvSecretSource } from '../adapters/env-secret-source.ts';
import { FileObjectStore } from '../adapters/file-object-store.ts';
import type { Config } from '../config/load-config.ts';
import type { VendorConfig } from '../config/profiles.ts';
import { type Credentials, resolveCredentials } from '../monitor/credentials.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import type { SecretSource } from '../ports/secret-source.ts';
import { UsageError } from './exit-codes.ts';

export interface StoreFlags {
  data?: string;
  bucket?: string;
}

/** `--data DIR` or `--bucket B`: the same layout, locally or in S3. */
export async function openStore(flags: StoreFlags): Promise<ObjectStore> {
  if (Boolean(flags.data) === Boolean(flags.bucket))
    throw new UsageError('give exactly one of --data DIR or --bucket B');
  if (flags.data) return new FileObjectStore(flags.data);
  // Loaded only when asked for, so local commands never pay for the AWS SDK.
  const [{ S3Client }, { S3ObjectStore }] = await Promise.all([
    import('@aws-sdk/client-s3'),
    import('../adapters/s3-object-store.ts'),
  ]);
  return new S3ObjectStore(new S3Client({}), flags.bucket!);
}

async function secretSourceFor(config: Config): Promise<SecretSource> {
  const env = new EnvSecretSource();
  if (!config.vendors.some((vendor) => vendor.auth && 'secret' in vendor.auth.secret)) return env;
  const [{ SecretsManagerClient }, { SecretsManagerSecretSource }] = await Promise.all([
    import('@aws-sdk/client-secrets-manager'),
    import('../adapters/secrets-manager-secret-source.ts'),
  ]);
  return new SecretsManagerSecretSource(new SecretsManagerClient({}), { fallback: env });
}

/** Every vendor's credential, or one usage error naming each that is missing. */
export async function credentialsFor(config: Config, vendors: readonly VendorConfig[]): Promise<Credentials> {
  const { credentials, problems } = await resolveCredentials(vendors, await secretSourceFor(config));
  if (problems.length > 0) {
    throw new UsageError(problems.map((problem) => `${problem.path}: ${problem.message}`).join('\n'));
  }
  return credentials;
}

export function selectVendors(config: Config, vendorId: string | undefined): VendorConfig[] {
  if (vendorId === undefined) return config.vendors;
  const vendor = config.vendors.find((candidate) => candidate.id === vendorId);
  if (!vendor) {
    throw new UsageError(
      `--vendor ${vendorId}: unknown vendor (configured: ${config.vendors.map((v) => v.id).join(', ')})`,
    );
  }
  return [vendor];
}
