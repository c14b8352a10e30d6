import { existsSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { ConfigError } from '../lambda/config/load-config.ts';
import { loadDeployConfig } from '../lib/deploy-config.ts';
import { buildApp } from '../lib/vendorwatch-app.ts';

const LOCAL_CONFIG = 'vendorwatch.config.json';
const EXAMPLE_CONFIG = 'examples/aws.config.json';

const app = new App();
const file: string =
  app.node.tryGetContext('config') ?? (existsSync(LOCAL_CONFIG) ? LOCAL_CONFIG : EXAMPLE_CONFIG);

try {
  buildApp(app, loadDeployConfig(file));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}
