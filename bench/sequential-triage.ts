import { performance } from 'node:perf_hooks';
import type { VendorConfig } from '../lambda/config/profiles.ts';
import { exchange, type HttpRequest } from '../lambda/probe/http-exchange.ts';

/**
 * The seeds' "Quick Triage" script as an on-call engineer runs it: status page, API call, rate-limit
 * headers (a second `curl -sI` to the API), token introspection, our health endpoint — one request
 * after another, no retry. Same HTTP exchange, timeouts and body cap as the probe, so only the
 * ordering differs.
 */
export async function sequentialTriage(vendor: VendorConfig, credential: string): Promise<number> {
  const auth: Record<string, string> = vendor.auth
    ? { [vendor.auth.header]: vendor.auth.prefix + credential }
    : {};
  const request = (method: string, url: string, headers: Record<string, string> = {}): HttpRequest => ({
    method,
    url,
    headers: { accept: 'application/json', 'user-agent': 'vendorwatch-bench', ...headers },
    timeoutMs: vendor.checkTimeoutMs,
    maxBodyBytes: vendor.maxBodyBytes,
  });
  const steps = [
    vendor.statusPageUrl && request('GET', vendor.statusPageUrl),
    vendor.api && request(vendor.api.method, vendor.api.url, { ...vendor.api.headers, ...auth }),
    vendor.api && request('HEAD', vendor.api.url, auth),
    vendor.tokenUrl && request('GET', vendor.tokenUrl, auth),
    vendor.appHealth && request('GET', vendor.appHealth.url),
  ].filter((step): step is HttpRequest => Boolean(step));
  const started = performance.now();
  for (const step of steps) await exchange(step);
  return performance.now() - started;
}
