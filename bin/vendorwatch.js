#!/usr/bin/env node
// The vendorwatch CLI. The source is TypeScript; tsx compiles it on load, so a clone runs with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../lambda/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
