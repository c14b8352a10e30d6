import { setTimeout as sleep } from 'node:timers/promises';
import type { CheckResult, Signal } from '../../core/vocabulary.ts';
import { type CheckContext, type Sent, send } from '../check-context.ts';
import { checkResult, failureText, isRecord, parseJson, skipped } from '../evidence.ts';
import type { HttpExchange } from '../http-exchange.ts';

const QUOTA_REASON = /insufficient[_ ]funds|quota|out of credit/i;

/** The vendor's own error words: Miro `{status, code, message, type:"error"}`, Ideogram `{error, reject_reason}`. */
export function vendorError(body: string): string | null {
  const document = parseJson(body);
  if (!isRecord(document)) return null;
  const words = [document.code, document.reject_reason, document.message ?? document.error]
    .filter((part) => typeof part === 'string' && part.length > 0)
    .map(String);
  return words.length > 0 ? [...new Set(words)].join(': ') : null;
}

const claimsJson = (exchange: HttpExchange): boolean => /json/i.test(exchange.headers['content-type'] ?? '');

/** The seeds' decision tree input: what one API answer means. */
export function apiSignal(exchange: HttpExchange, expectStatus: readonly number[], slowMs: number): Signal {
  if (exchange.error) return 'unreachable';
  const status = exchange.status!;
  if (expectStatus.includes(status)) {
    if (exchange.truncated) return 'bad_response';
    if (claimsJson(exchange) && exchange.body.length > 0 && parseJson(exchange.body) === undefined)
      return 'bad_response';
    return exchange.timings.totalMs > slowMs ? 'slow' : 'ok';
  }
  if (status === 402 || QUOTA_REASON.test(vendorError(exchange.body) ?? '')) return 'quota';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'client_error';
  return 'bad_response';
}

const isFailure = (signal: Signal): boolean => signal !== 'ok' && signal !== 'slow';

function describe(exchange: HttpExchange, attempts: number): string {
  const base = exchange.error || exchange.truncated ? failureText(exchange) : `HTTP ${exchange.status}`;
  const vendorSays = exchange.error ? null : vendorError(exchange.body);
  const timing = exchange.error ? '' : ` in ${exchange.timings.totalMs} ms`;
  return `${base}${timing}${vendorSays ? ` (${vendorSays})` : ''}${attempts > 1 ? ' on every attempt' : ''}`;
}

/** Failures a passing blip could also cause: worth a later look before calling them an outage. */
const BLIP_SIGNALS: readonly Signal[] = ['server_error', 'unreachable'];

/**
 * The authenticated API call. A failure is retried once after a short delay before it counts; 429 is
 * not retried (the runbook says honour Retry-After, not hammer). A 5xx or no answer that survives the
 * retry, while the vendor acknowledges nothing, gets one more look `confirmAfterMs` later: failing
 * that too, it is an outage confirmed within the cycle rather than a blip.
 */
export async function checkApi(
  context: CheckContext,
  vendorAcknowledges: Promise<boolean>,
): Promise<{ api: CheckResult; final: Sent | null }> {
  const { api, latencyMsDegraded, retryDelayMs, confirmAfterMs } = context.vendor;
  if (!api) return { api: skipped('api', 'no API probe configured'), final: null };
  const attempts: Sent[] = [];
  const attempt = async (): Promise<Signal> => {
    const sent = await send(context, {
      method: api.method,
      url: api.url,
      headers: api.headers,
      ...(api.body === undefined ? {} : { body: api.body }),
      authenticated: true,
    });
    attempts.push(sent);
    return apiSignal(sent.exchange, api.expectStatus, latencyMsDegraded);
  };
  const after = async (delayMs: number): Promise<Signal | null> => {
    await sleep(delayMs, undefined, { signal: context.deadline }).catch(() => undefined);
    return context.deadline.aborted ? null : attempt();
  };

  let signal = await attempt();
  if (isFailure(signal) && signal !== 'rate_limited') signal = (await after(retryDelayMs)) ?? signal;
  if (BLIP_SIGNALS.includes(signal) && confirmAfterMs > 0 && !(await vendorAcknowledges)) {
    signal = (await after(confirmAfterMs)) ?? signal;
  }
  const last = attempts.at(-1)!;
  if (attempts.length > 1 && !isFailure(signal)) {
    const recovered = `${describe(last.exchange, 1)}; recovered on retry after ${describe(attempts[0]!.exchange, 1)}`;
    const evidence = attempts.map((sent) => sent.evidence);
    return { api: checkResult('api', 'warn', signal, recovered, evidence), final: last };
  }
  return { api: result(signal, last, attempts), final: last };
}

function result(signal: Signal, last: Sent, attempts: Sent[]): CheckResult {
  const outcome = signal === 'ok' ? 'pass' : signal === 'slow' ? 'warn' : 'fail';
  const evidence = attempts.map((sent) => sent.evidence);
  return checkResult('api', outcome, signal, describe(last.exchange, attempts.length), evidence);
}
