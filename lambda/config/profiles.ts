import type { ProfileName, SecretReference, VendorInput } from './schema.ts';

export interface RateLimitHeaders {
  limit: string;
  remaining: string;
  reset: string;
  retryAfter: string;
}

export interface ProbeRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  expectStatus: number[];
}

export interface VendorAuth {
  header: string;
  /** Prefix before the secret value, e.g. `Bearer `; empty for raw API-key headers. */
  prefix: string;
  secret: SecretReference;
  kind: 'token' | 'apiKey';
}

/** A vendor with its profile's defaults filled in: everything a probe cycle needs, nothing secret. */
export interface VendorConfig {
  id: string;
  name: string;
  profile: ProfileName;
  statusPageUrl: string | null;
  api: ProbeRequest | null;
  auth: VendorAuth | null;
  tokenUrl: string | null;
  requiredScopes: string[];
  appHealth: { url: string; statusPath: string | null; healthyValues: string[] } | null;
  rateLimitHeaders: RateLimitHeaders;
  checkTimeoutMs: number;
  retryDelayMs: number;
  /**
   * How long after a failed retry to look once more, when a blip could explain it (5xx or no answer, the
   * vendor acknowledging nothing); 0 turns the re-check off.
   */
  confirmAfterMs: number;
  rateLimitLowPercent: number;
  maxBodyBytes: number;
  latencyMsDegraded: number;
}

interface Profile {
  name: string;
  statusPage: string | null;
  apiBase: string | null;
  api: { method: string; path: string; expectStatus: number[] } | null;
  tokenPath: string | null;
  requiredScopes: string[];
  apiKeyHeader: string;
}

const DEFAULT_RATE_LIMIT_HEADERS: RateLimitHeaders = {
  limit: 'x-ratelimit-limit',
  remaining: 'x-ratelimit-remaining',
  reset: 'x-ratelimit-reset',
  retryAfter: 'retry-after',
};

export const DEFAULT_HEALTHY_VALUES = ['ok', 'healthy', 'up', 'pass', 'operational', 'true'];

const PROFILES: Record<ProfileName, Profile> = {
  miro: {
    name: 'Miro',
    statusPage: 'https://status.miro.com',
    apiBase: 'https://api.miro.com',
    // Level-1 read (50 credits): the cheapest authenticated call the runbook's triage makes.
    api: { method: 'GET', path: '/v2/boards?limit=1', expectStatus: [200] },
    tokenPath: '/v1/oauth-token',
    requiredScopes: ['boards:read'],
    apiKeyHeader: 'Authorization',
  },
  ideogram: {
    name: 'Ideogram',
    statusPage: 'https://status.ideogram.ai',
    apiBase: 'https://api.ideogram.ai',
    // Generation is billed per image; the account usage read is free. Keys of non-admin members get
    // 404 there, which still proves the key authenticates (a bad key gets 401), so 404 is expected.
    api: { method: 'GET', path: '/v2/account/usage', expectStatus: [200, 404] },
    tokenPath: null,
    requiredScopes: [],
    apiKeyHeader: 'Api-Key',
  },
  generic: {
    name: 'API',
    statusPage: null,
    apiBase: null,
    api: null,
    tokenPath: null,
    requiredScopes: [],
    apiKeyHeader: 'X-Api-Key',
  },
};

/** Keeps a path prefix in the base: `http://h/prefix` + `/v2/x` → `http://h/prefix/v2/x`. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}

export function statusPageSummaryUrl(root: string): string {
  const url = new URL(root);
  if (url.pathname.endsWith('.json')) return root;
  return joinUrl(`${url.origin}${url.pathname}`, '/api/v2/summary.json') + url.search;
}

function resolveApi(input: VendorInput, profile: Profile, apiBase: string | null): ProbeRequest | null {
  if (input.api === null) return null;
  const override = input.api ?? {};
  const path = override.path ?? (override.url ? undefined : profile.api?.path);
  const url = override.url ?? (path && apiBase ? joinUrl(apiBase, path) : undefined);
  if (!url) return null;
  return {
    method: override.method ?? profile.api?.method ?? 'GET',
    url,
    headers: override.headers ?? {},
    ...(override.body === undefined ? {} : { body: override.body }),
    expectStatus: override.expectStatus ?? profile.api?.expectStatus ?? [200],
  };
}

function resolveAuth(input: VendorInput, profile: Profile): VendorAuth | null {
  const auth = input.auth;
  if (!auth) return null;
  if (auth.token) {
    return { header: auth.header ?? 'Authorization', prefix: 'Bearer ', secret: auth.token, kind: 'token' };
  }
  const header = auth.header ?? profile.apiKeyHeader;
  return {
    header,
    prefix: header.toLowerCase() === 'authorization' ? 'Bearer ' : '',
    secret: auth.apiKey!,
    kind: 'apiKey',
  };
}

/** Fills a vendor's profile defaults; every field in the input overrides its default. */
export function resolveVendor(input: VendorInput, policy: { latencyMsDegraded: number }): VendorConfig {
  const profile = PROFILES[input.profile];
  const apiBase = input.apiBase ?? profile.apiBase;
  const statusPage = input.statusPage === undefined ? profile.statusPage : input.statusPage;
  const tokenPath = input.token === null ? null : (input.token?.path ?? profile.tokenPath);
  return {
    id: input.id,
    name: input.name ?? (input.profile === 'generic' ? input.id : profile.name),
    profile: input.profile,
    statusPageUrl: statusPage ? statusPageSummaryUrl(statusPage) : null,
    api: resolveApi(input, profile, apiBase),
    auth: resolveAuth(input, profile),
    tokenUrl: tokenPath && apiBase ? joinUrl(apiBase, tokenPath) : null,
    requiredScopes: input.requiredScopes ?? profile.requiredScopes,
    appHealth: input.appHealth
      ? {
          url: input.appHealth.url,
          statusPath: input.appHealth.statusPath ?? null,
          healthyValues: input.appHealth.healthyValues ?? DEFAULT_HEALTHY_VALUES,
        }
      : null,
    rateLimitHeaders: {
      limit: (input.rateLimitHeaders?.limit ?? DEFAULT_RATE_LIMIT_HEADERS.limit).toLowerCase(),
      remaining: (input.rateLimitHeaders?.remaining ?? DEFAULT_RATE_LIMIT_HEADERS.remaining).toLowerCase(),
      reset: (input.rateLimitHeaders?.reset ?? DEFAULT_RATE_LIMIT_HEADERS.reset).toLowerCase(),
      retryAfter: (input.rateLimitHeaders?.retryAfter ?? DEFAULT_RATE_LIMIT_HEADERS.retryAfter).toLowerCase(),
    },
    checkTimeoutMs: input.timeouts?.checkMs ?? 10_000,
    retryDelayMs: input.timeouts?.retryDelayMs ?? 2_000,
    confirmAfterMs: input.timeouts?.confirmAfterMs ?? 20_000,
    rateLimitLowPercent: input.rateLimitLowPercent ?? 10,
    maxBodyBytes: input.maxBodyBytes ?? 65_536,
    latencyMsDegraded: input.latencyMsDegraded ?? policy.latencyMsDegraded,
  };
}

/** Problems a schema cannot see: a vendor left with nothing to probe, or a path with no base to join. */
export function vendorProblems(input: VendorInput): { path: string; message: string }[] {
  const profile = PROFILES[input.profile];
  const problems: { path: string; message: string }[] = [];
  const apiBase = input.apiBase ?? profile.apiBase;
  if (input.api?.path && !apiBase) {
    problems.push({ path: 'api.path', message: 'needs apiBase (or give api.url)' });
  }
  if (input.token?.path && !apiBase) problems.push({ path: 'token.path', message: 'needs apiBase' });
  const resolved = resolveVendor(input, { latencyMsDegraded: 2000 });
  if (!resolved.statusPageUrl && !resolved.api && !resolved.appHealth) {
    problems.push({ path: '', message: 'has nothing to probe: set statusPage, api or appHealth' });
  }
  return problems;
}
