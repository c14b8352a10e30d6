import { performance } from 'node:perf_hooks';
import type { VendorConfig } from '../config/profiles.ts';
import { acknowledgesTrouble, classify } from '../core/classify.ts';
import type { ProbeResult } from '../core/vocabulary.ts';
import type { CheckContext } from './check-context.ts';
import { checkApi } from './checks/api.ts';
import { checkAppHealth } from './checks/app-health.ts';
import { checkRateLimit } from './checks/rate-limit.ts';
import { checkStatusPage } from './checks/status-page.ts';
import { checkToken } from './checks/token.ts';
import { Redactor } from './redactor.ts';

export interface ProbeOptions {
  /** The vendor's resolved credential, or null when it has none. */
  credential: string | null;
  /** Every secret value in play this cycle, masked wherever it appears. */
  secrets: readonly string[];
  /** Wall-clock time the cycle starts (the result's startedAt). */
  now: Date;
  /** Milliseconds the whole cycle may take; checks still running then are cut short. */
  budgetMs: number;
}

/**
 * Worst case for one cycle: three API attempts at their timeout, the retry delay and the confirmation
 * delay. A Lambda's timeout and a local interval should leave at least this much.
 */
export const cycleBudgetMs = (vendor: VendorConfig): number =>
  3 * vendor.checkTimeoutMs + vendor.retryDelayMs + vendor.confirmAfterMs;

/** One monitoring cycle for one vendor: every applicable check at once, then the verdict. */
export async function probeVendor(vendor: VendorConfig, options: ProbeOptions): Promise<ProbeResult> {
  const started = performance.now();
  const deadline = AbortSignal.timeout(Math.max(1, options.budgetMs));
  const authHeaders: Record<string, string> =
    vendor.auth && options.credential !== null
      ? { [vendor.auth.header]: vendor.auth.prefix + options.credential }
      : {};
  const context: CheckContext = { vendor, authHeaders, redactor: new Redactor(options.secrets), deadline };

  const statusPageCheck = checkStatusPage(context);
  // The API check asks whether the vendor acknowledges trouble before spending a confirmation re-check.
  const acknowledged = statusPageCheck.then((check) => acknowledgesTrouble(check.signal));
  const [statusPage, { api, final }, token, appHealth] = await Promise.all([
    statusPageCheck,
    checkApi(context, acknowledged),
    checkToken(context),
    checkAppHealth(context),
  ]);
  const rateLimit = checkRateLimit(
    final,
    vendor.rateLimitHeaders,
    vendor.rateLimitLowPercent,
    options.now.getTime(),
  );
  const checks = [statusPage, api, rateLimit, token, appHealth];
  return {
    vendor: vendor.id,
    startedAt: options.now.toISOString(),
    durationMs: Math.round(performance.now() - started),
    checks,
    verdict: classify(checks, { authKind: vendor.auth?.kind ?? null }),
  };
}
