import type { VendorConfig } from '../config/profiles.ts';
import type { Evidence } from '../core/vocabulary.ts';
import { toEvidence } from './evidence.ts';
import { exchange, type HttpExchange } from './http-exchange.ts';
import type { Redactor } from './redactor.ts';

/** What every check of one vendor's cycle shares. */
export interface CheckContext {
  vendor: VendorConfig;
  /** The auth header with the resolved credential, or empty when the vendor has no auth. */
  authHeaders: Record<string, string>;
  redactor: Redactor;
  /** Aborts every exchange when the cycle deadline is reached. */
  deadline: AbortSignal;
}

export interface Sent {
  exchange: HttpExchange;
  evidence: Evidence;
}

/** Masks secrets in everything a vendor sent back, before any check reads it. */
function redactExchange(answer: HttpExchange, redactor: Redactor): HttpExchange {
  return {
    ...answer,
    body: redactor.text(answer.body),
    headers: redactor.headers(answer.headers),
    ...(answer.error ? { error: { ...answer.error, message: redactor.text(answer.error.message) } } : {}),
  };
}

/**
 * Sends one request within the check timeout. What comes back is redacted here, once, so no check,
 * detail, summary or evidence can carry a secret the vendor echoed.
 */
export async function send(
  context: CheckContext,
  request: {
    method?: string;
    url: string;
    headers?: Record<string, string>;
    body?: string;
    authenticated?: boolean;
  },
): Promise<Sent> {
  const { vendor } = context;
  const method = request.method ?? 'GET';
  const headers = {
    accept: 'application/json',
    'user-agent': 'vendorwatch',
    ...request.headers,
    ...(request.authenticated ? context.authHeaders : {}),
  };
  const answer = await exchange(
    {
      method,
      url: request.url,
      headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      timeoutMs: vendor.checkTimeoutMs,
      maxBodyBytes: vendor.maxBodyBytes,
      signal: context.deadline,
    },
    Object.keys(context.authHeaders),
  );
  const safe = redactExchange(answer, context.redactor);
  const rateLimitHeaders = Object.values(vendor.rateLimitHeaders);
  return {
    exchange: safe,
    evidence: toEvidence({ method, url: request.url }, safe, context.redactor, rateLimitHeaders),
  };
}
