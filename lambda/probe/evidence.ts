import type { CheckName, CheckResult, Evidence, Outcome, Signal } from '../core/vocabulary.ts';
import type { HttpExchange, HttpRequest } from './http-exchange.ts';
import type { Redactor } from './redactor.ts';

/** Evidence keeps a short excerpt; the read cap (maxBodyBytes) only bounds what is parsed. */
export const EXCERPT_BYTES = 2048;

const ALWAYS_KEPT =
  /^(x-ratelimit-[a-z-]+|retry-after|date|content-type|content-length|location|x-request-id|request-id|x-amzn-requestid|x-amz-request-id|cf-ray)$/;

export function toEvidence(
  request: Pick<HttpRequest, 'method' | 'url'>,
  exchange: HttpExchange,
  redactor: Redactor,
  extraHeaders: readonly string[] = [],
): Evidence {
  const kept = Object.fromEntries(
    Object.entries(exchange.headers).filter(
      ([name]) => ALWAYS_KEPT.test(name) || extraHeaders.includes(name),
    ),
  );
  // Redact the whole body before cutting it, so a secret straddling the cut can't survive half-masked.
  const excerpt = redactor.text(exchange.body).slice(0, EXCERPT_BYTES);
  return {
    request: `${request.method} ${redactor.text(request.url)}`,
    status: exchange.status,
    headers: redactor.headers(kept),
    timings: exchange.timings,
    bodyExcerpt: excerpt,
    bodyBytes: exchange.bodyBytes,
    truncated: exchange.truncated,
    ...(exchange.error ? { error: `${exchange.error.kind}: ${redactor.text(exchange.error.message)}` } : {}),
  };
}

export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Builds a check result; status and latency come from the last exchange, the one that counted. */
export function checkResult(
  name: CheckName,
  outcome: Outcome,
  signal: Signal,
  detail: string,
  evidence: Evidence[],
  facts?: Record<string, unknown>,
): CheckResult {
  const last = evidence.at(-1);
  return {
    name,
    outcome,
    httpStatus: last?.status ?? null,
    latencyMs: last ? last.timings.totalMs : null,
    detail,
    signal,
    attempts: evidence.length,
    ...(facts ? { facts } : {}),
    evidence,
  };
}

export const skipped = (name: CheckName, detail: string): CheckResult =>
  checkResult(name, 'skip', 'skipped', detail, []);

/** A one-line reason for an exchange that got no usable HTTP answer. */
export function failureText(exchange: HttpExchange): string {
  if (exchange.error) return `${exchange.error.kind}: ${exchange.error.message}`;
  if (exchange.truncated) return `body over ${exchange.bodyBytes} bytes`;
  return `HTTP ${exchange.status}`;
}
