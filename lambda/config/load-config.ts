import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { resolveVendor, type VendorConfig, vendorProblems } from './profiles.ts';
import { configSchema, type ParsedConfig, type SubscriberInput, vendorSchema } from './schema.ts';

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

/**
 * Problems a schema cannot see, found even when the schema found others, so every problem is
 * reported at once: duplicate ids among all vendors, and what each vendor that parses lacks.
 */
function crossFieldIssues(document: unknown): ConfigIssue[] {
  const vendors = (document as { vendors?: unknown } | null)?.vendors;
  if (!Array.isArray(vendors)) return [];
  const issues: ConfigIssue[] = [];
  const firstIndex = new Map<string, number>();
  vendors.forEach((input: unknown, index) => {
    const id = (input as { id?: unknown } | null)?.id;
    if (typeof id === 'string') {
      const first = firstIndex.get(id);
      if (first === undefined) firstIndex.set(id, index);
      else
        issues.push({
          path: `vendors[${index}].id`,
          message: `duplicate id "${id}" (also vendors[${first}])`,
        });
    }
    const vendor = vendorSchema.safeParse(input);
    if (!vendor.success) return;
    for (const problem of vendorProblems(vendor.data)) {
      issues.push({
        path: `vendors[${index}]${problem.path ? `.${problem.path}` : ''}`,
        message: problem.message,
      });
    }
  });
  return issues;
}

const JSON_SPACE = /[ \t\n\r]*/y;
const JSON_SCALAR = /"(?:[^"\\]|\\.)*"|true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * The offset of the first character JSON.parse rejects. V8 names it for most errors but not for
 * "Unexpected token" or "Unexpected end", so scan for it; iteratively, so any nesting depth is fine.
 */
function jsonErrorOffset(text: string): number {
  const closers: string[] = [];
  let expect: 'value' | 'first-value' | 'key' | 'first-key' | 'colon' | 'next' = 'value';
  let index = 0;
  const take = (pattern: RegExp): boolean => {
    pattern.lastIndex = index;
    if (!pattern.test(text)) return false;
    index = pattern.lastIndex;
    return true;
  };
  for (;;) {
    take(JSON_SPACE);
    const char = text[index];
    if (char === undefined) return index;
    const closer = closers.at(-1);
    if (char === closer && (expect === 'next' || expect === 'first-value' || expect === 'first-key')) {
      closers.pop();
      index += 1;
      expect = 'next';
    } else if (expect === 'next') {
      if (char !== ',' || closer === undefined) return index;
      index += 1;
      expect = closer === '}' ? 'key' : 'value';
    } else if (expect === 'key' || expect === 'first-key') {
      if (char !== '"' || !take(JSON_SCALAR)) return index;
      expect = 'colon';
    } else if (expect === 'colon') {
      if (char !== ':') return index;
      index += 1;
      expect = 'value';
    } else if (char === '{' || char === '[') {
      closers.push(char === '{' ? '}' : ']');
      index += 1;
      expect = char === '{' ? 'first-key' : 'first-value';
    } else if (take(JSON_SCALAR)) {
      expect = 'next';
    } else {
      // In a misspelt literal, point at the first wrong letter, as V8's message does.
      for (const letter of ['true', 'false', 'null'].find((word) => word[0] === char) ?? '') {
        if (text[index] !== letter) break;
        index += 1;
      }
      return index;
    }
  }
}

function jsonSyntaxIssue(text: string, error: Error): ConfigIssue {
  const named = /at position (\d+)/.exec(error.message)?.[1];
  const position = named === undefined ? jsonErrorOffset(text) : Number(named);
  const before = text.slice(0, position).split('\n');
  const line = before.length;
  const column = (before.at(-1)?.length ?? 0) + 1;
  // V8 quotes the text around the error (`..."token": sk-live-12"...`), maybe a pasted secret: drop it.
  const reason = error.message.replace(/ (?:in JSON )?at position \d+.*$|, (?:\.\.\.)?".*$/s, '');
  return { path: '', message: `invalid JSON at line ${line}, column ${column}: ${reason}` };
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
  const issues = [...(result.success ? [] : schemaIssues(result.error)), ...crossFieldIssues(document)];
  if (!result.success || issues.length > 0) throw new ConfigError(source, issues);
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
