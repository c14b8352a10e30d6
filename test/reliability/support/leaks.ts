import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `%XX` runs decoded where they are valid UTF-8; a stray `%` stays as it is. */
function percentDecoded(text: string): string {
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, child]) => [key, ...stringsIn(child)]);
  return [];
}

/**
 * Every way a text can spell its content: as is, URL-decoded (any mix of `%XX`, `+` for space), and
 * every string inside it when it is JSON or JSON lines, recursively (SNS puts JSON inside JSON).
 */
function views(text: string, depth = 0): string[] {
  const found = [text, percentDecoded(text), percentDecoded(text.replace(/\+/g, ' '))];
  if (depth >= 4) return found;
  for (const document of [text, ...text.split('\n')]) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(document);
    } catch {
      continue;
    }
    for (const inner of stringsIn(parsed)) found.push(...views(inner, depth + 1));
  }
  return found;
}

/**
 * Where a secret shows in a text: raw, URL-encoded in any way, JSON-escaped (at any nesting), or as
 * Basic-auth base64. Empty when it does not.
 */
export function leaksOf(secret: string, text: string): string[] {
  const leaks: string[] = [];
  if (text.includes(Buffer.from(secret).toString('base64'))) leaks.push('base64');
  const view = views(text).find((candidate) => candidate.includes(secret));
  if (view !== undefined) {
    const at = view.indexOf(secret);
    leaks.push(
      `raw, URL-encoded or JSON-escaped, in …${view.slice(Math.max(0, at - 40), at + secret.length + 20)}…`,
    );
  }
  return leaks;
}

/** Every file under a directory, path → content. */
export function filesUnder(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      files[path] = readFileSync(path, 'utf8');
    }
  }
  return files;
}

/** Each place (file, stream, message) where the secret leaked, with how. */
export function leakReport(secret: string, places: Record<string, string>): string[] {
  return Object.entries(places).flatMap(([place, text]) =>
    leaksOf(secret, text).map((how) => `${place}: ${how}`),
  );
}
