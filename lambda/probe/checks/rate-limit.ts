import type { RateLimitHeaders } from '../../config/profiles.ts';
import type { CheckResult } from '../../core/vocabulary.ts';
import type { Sent } from '../check-context.ts';
import { checkResult, skipped } from '../evidence.ts';
import { vendorError } from './api.ts';

const numberHeader = (headers: Record<string, string>, name: string): number | null => {
  const value = Number(headers[name]);
  return headers[name] !== undefined && Number.isFinite(value) ? value : null;
};

/** Retry-After is either seconds or an HTTP date. */
function retryAfterSeconds(value: string | undefined, now: number): number | null {
  if (value === undefined) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds));
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, Math.round((date - now) / 1000)) : null;
}

/**
 * "What is our rate-limit status?", read from the API call's own answer: no extra request, no extra
 * credits spent.
 */
export function checkRateLimit(
  final: Sent | null,
  names: RateLimitHeaders,
  lowPercent: number,
  now: number,
): CheckResult {
  if (!final || final.exchange.status === null)
    return skipped('rate_limit', 'no API answer to read limits from');
  const { headers, status, body } = final.exchange;
  const limit = numberHeader(headers, names.limit);
  const remaining = numberHeader(headers, names.remaining);
  const reset = numberHeader(headers, names.reset);
  const retryAfter = retryAfterSeconds(headers[names.retryAfter], now);
  const facts = { limit, remaining, reset, retryAfterSeconds: retryAfter };
  const budget = limit !== null && remaining !== null ? `${remaining}/${limit} remaining` : null;
  const evidence = [final.evidence];
  if (status === 429) {
    const reason = vendorError(body);
    const said = [
      'HTTP 429',
      retryAfter === null ? null : `Retry-After ${retryAfter} s`,
      budget,
      reason,
    ].filter(Boolean);
    return checkResult('rate_limit', 'fail', 'rate_limited', said.join('; '), evidence, facts);
  }
  if (budget === null)
    return checkResult('rate_limit', 'skip', 'absent', 'no rate-limit headers', evidence, facts);
  const percent = limit! > 0 ? (remaining! / limit!) * 100 : 0;
  if (percent < lowPercent) {
    return checkResult(
      'rate_limit',
      'warn',
      'low',
      `${budget} (${percent.toFixed(1)} %, under ${lowPercent} %)`,
      evidence,
      facts,
    );
  }
  return checkResult('rate_limit', 'pass', 'ok', budget, evidence, facts);
}
