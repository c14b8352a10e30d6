export const REDACTED = '[REDACTED]';

/** Headers whose values are credentials whatever they contain. */
const SENSITIVE_HEADER =
  /^(authorization|proxy-authorization|cookie|set-cookie|api-key|x-api-key|x-auth-token|x-amz-security-token)$/i;

export const isSensitiveHeader = (name: string): boolean => SENSITIVE_HEADER.test(name);

/** The forms a secret takes when a vendor echoes it: raw, URL-encoded, JSON-escaped, base64 (Basic auth). */
function forms(secret: string): string[] {
  const jsonEscaped = JSON.stringify(secret).slice(1, -1);
  return [secret, encodeURIComponent(secret), jsonEscaped, Buffer.from(secret).toString('base64')];
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Masks every resolved secret wherever it appears (URLs, headers, bodies, error messages), and
 * credential headers by name. Built once per cycle from the values actually in use.
 */
export class Redactor {
  private readonly pattern: RegExp | null;

  constructor(secrets: readonly string[]) {
    const all = [...new Set(secrets.filter((secret) => secret.length > 0).flatMap(forms))];
    // Longest first, so a secret that contains another is masked whole.
    all.sort((a, b) => b.length - a.length);
    this.pattern = all.length > 0 ? new RegExp(all.map(escapeRegExp).join('|'), 'g') : null;
  }

  text(value: string): string {
    return this.pattern ? value.replace(this.pattern, REDACTED) : value;
  }

  headers(headers: Record<string, string>): Record<string, string> {
    return Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [
        name,
        isSensitiveHeader(name) ? REDACTED : this.text(value),
      ]),
    );
  }
}
