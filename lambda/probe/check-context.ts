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

/** Sends one request within the check timeout and turns the answer into redacted evidence. */
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
  const result = await exchange(
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
  const rateLimitHeaders = Object.values(vendor.rateLimitHeaders);
  return {
    exchange: result,
    evidence: toEvidence({ method, url: request.url }, result, context.redactor, rateLimitHeaders),
  };
}
