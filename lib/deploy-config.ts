import { type Config, ConfigError, type ConfigIssue, loadConfig } from '../lambda/config/load-config.ts';

/** A config that can run on AWS: the parsed form for the stack, the document for the functions. */
export interface DeployConfig {
  /** Validated, with every vendor's profile defaults filled in. */
  readonly config: Config;
  /**
   * What the functions read at cold start: the validated config with defaults filled in, as compact
   * JSON holding secret references, never values. Validated here, so the bundles need no schema library.
   */
  readonly document: string;
}

const ENV_ON_AWS = '{env} references only work locally; use {"secret": NAME, "field": KEY} on AWS';

/** A Lambda function has no operator shell to read an `{env}` secret from. */
function awsIssues(config: Config): ConfigIssue[] {
  return config.vendors.flatMap((vendor, index) =>
    vendor.auth && 'env' in vendor.auth.secret
      ? [{ path: `vendors[${index}].auth`, message: ENV_ON_AWS }]
      : [],
  );
}

/** Loads a config file for deployment; throws ConfigError listing every problem, with its path, at once. */
export function loadDeployConfig(file: string): DeployConfig {
  const config = loadConfig(file);
  const issues = awsIssues(config);
  if (issues.length > 0) throw new ConfigError(file, issues);
  // Derived from the parsed config, so reformatting the file does not change the bundles.
  return { config, document: JSON.stringify(config) };
}
