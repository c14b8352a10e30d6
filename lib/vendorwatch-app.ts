import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { DeployConfig } from './deploy-config.ts';
import { VendorwatchStack } from './vendorwatch-stack.ts';

/** The stack id, and the stack name unless the CLI overrides it. */
export const STACK_ID = 'Vendorwatch';

/**
 * Adds vendorwatch to an app, checked by cdk-nag's AwsSolutions pack. The CDK entry and the tests
 * both build through here, so the tests assert on the template `cdk deploy` ships.
 */
export function buildApp(app: App, deployConfig: DeployConfig): VendorwatchStack {
  const stack = new VendorwatchStack(app, STACK_ID, {
    deployConfig,
    description: 'vendorwatch: probes third-party APIs, keeps incidents and evidence, pages on-call',
  });
  Tags.of(stack).add('app', 'vendorwatch');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}
