import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { resolveVendor, type VendorConfig, vendorProblems } from './profiles.ts';
import { configSchema, type ParsedConfig, type SubscriberInput } from './schema.ts';

export interface ConfigIssue {
  /** JSON path inside the file, e.g. `vendors[1].profile`; empty for the file itself. */
  path: string;
  message: string;
}

/** Bad configuration: carries every problem found, never a secret value. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly issues: ConfigIssue[],
  ) {
    const lines = issues.map((issue) => `  ${issue.path || '(file)'}: ${issue.message}`);
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(`${source}: ${count}\n${lines.join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface Subscriber {
  email: string;
  severities?: string[];
  events?: string[];
}

export interface Config {
  vendors: VendorConfig[];
  schedule: ParsedConfig['schedule'];
  policy: ParsedConfig['policy'];
  notify: { pager: Subscriber[]; statusPage: Subscriber[] };
  storage: ParsedConfig['storage'];
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

function schemaIssues(error: z.ZodError): ConfigIssue[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'unknown key' }));
    }
    return [{ path: formatPath(issue.path), message: issue.message }];
  });
}

function crossFieldIssues(parsed: ParsedConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const firstIndex = new Map<string, number>();
  parsed.vendors.forEach((vendor, index) => {
    const first = firstIndex.get(vendor.id);
    if (first === undefined) firstIndex.set(vendor.id, index);
    else
      issues.push({
        path: `vendors[${index}].id`,
        message: `duplicate id "${vendor.id}" (also vendors[${first}])`,
      });
    for (const problem of vendorProblems(vendor)) {
      issues.push({
        path: `vendors[${index}]${problem.path ? `.${problem.path}` : ''}`,
        message: problem.message,
      });
    }
  });
  return issues;
}

function jsonSyntaxIssue(text: string, error: Error): ConfigIssue {
  const position = Number(/position (\d+)/.exec(error.message)?.[1]);
  if (!Number.isFinite(position)) return { path: '', message: `invalid JSON: ${error.message}` };
  const before = text.slice(0, position).split('\n');
  const line = before.length;
  const column = (before.at(-1)?.length ?? 0) + 1;
  return {
    path: '',
    message: `invalid JSON at line ${line}, column ${column}: ${error.message.split(' in JSON')[0]}`,
  };
}

const toSubscriber = (input: SubscriberInput): Subscriber =>
  typeof input === 'string' ? { email: input } : input;

/** Validates a config document and fills every vendor's profile defaults. */
export function parseConfig(text: string, source: string): Config {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(source, [jsonSyntaxIssue(text, error as Error)]);
  }
  const result = configSchema.safeParse(document);
  if (!result.success) throw new ConfigError(source, schemaIssues(result.error));
  const issues = crossFieldIssues(result.data);
  if (issues.length > 0) throw new ConfigError(source, issues);
  const parsed = result.data;
  return {
    vendors: parsed.vendors.map((vendor) => resolveVendor(vendor, parsed.policy)),
    schedule: parsed.schedule,
    policy: parsed.policy,
    notify: {
      pager: parsed.notify.pagerEmails.map(toSubscriber),
      statusPage: parsed.notify.statusPageEmails.map(toSubscriber),
    },
    storage: parsed.storage,
  };
}

export function loadConfig(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new ConfigError(file, [{ path: '', message: reason }]);
  }
  return parseConfig(text, file);
}
