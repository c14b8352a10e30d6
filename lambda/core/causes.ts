import type { Cause, Side } from './vocabulary.ts';

export interface ActionContext {
  /** How the vendor authenticates us: OAuth access token or a static API key. */
  authKind: 'token' | 'apiKey' | null;
  side: Side;
  retryAfterSeconds: number | null;
  missingScopes: string[];
}

interface CauseSpec {
  /** Short words for subjects, tables and the status page's internal log. */
  headline: string;
  /** The runbook's next step for the person on call. */
  action: (context: ActionContext) => string;
  /** What users experience, for the pager template's Impact line. */
  impact: string;
}

/** Every cause in one table: its words, its impact and the runbook's next step. */
export const CAUSE_SPECS: Record<Cause, CauseSpec> = {
  ok: { headline: 'healthy', impact: 'None.', action: () => 'No action.' },
  vendor_outage: {
    headline: 'vendor outage',
    impact: 'Features that depend on the vendor fail for all users.',
    action: () =>
      'Vendor-side outage on their status page: enable graceful degradation (serve cached data, queue writes), update our status page, wait for the vendor to resolve.',
  },
  vendor_errors: {
    headline: 'vendor errors',
    impact: 'Requests to the vendor fail with server errors.',
    action: () =>
      'Vendor returns 5xx but its status page is green: enable graceful degradation, report it to vendor support with the request ids in the evidence, watch their status page.',
  },
  vendor_degraded: {
    headline: 'vendor degraded',
    impact: 'A vendor component is degraded; our calls still succeed.',
    action: () =>
      'The vendor reports a degraded component: check whether the features we use are affected; no action while our API checks pass.',
  },
  vendor_unreachable: {
    headline: 'vendor unreachable',
    impact: 'The vendor API does not answer; dependent features fail.',
    action: () =>
      'The vendor API does not answer while other hosts do: enable graceful degradation, check the vendor status page, contact vendor support if it stays green.',
  },
  high_latency: {
    headline: 'high latency',
    impact: 'Requests to the vendor are slow; users see delays.',
    action: () =>
      'Slower than the threshold: read the timing breakdown (dns/connect/tls/ttfb) in the evidence, shed non-critical calls, review client timeouts.',
  },
  rate_limited: {
    headline: 'rate limited',
    impact: 'Some requests are rejected with 429 and must wait.',
    action: ({ retryAfterSeconds }) =>
      `Rate limited: honour Retry-After${retryAfterSeconds === null ? '' : ` (${retryAfterSeconds} s)`}, pause non-critical calls, reduce the request rate or queue requests.`,
  },
  rate_limit_low: {
    headline: 'rate limit low',
    impact: 'None yet; requests will start failing with 429 if usage continues.',
    action: () =>
      'Remaining rate limit is low: slow down non-critical callers before requests fail with 429.',
  },
  auth_expired: {
    headline: 'auth expired',
    impact: 'Every call to the vendor is rejected as unauthenticated.',
    action: ({ authKind }) =>
      authKind === 'apiKey'
        ? 'The API key is rejected: check in the vendor dashboard whether it was rotated or revoked, then update the secret.'
        : 'Refresh the access token with the refresh_token grant; if the refresh fails, re-authorize the app through the OAuth flow.',
  },
  auth_forbidden: {
    headline: 'auth forbidden',
    impact: 'Calls are rejected as forbidden; dependent features fail.',
    action: ({ authKind }) =>
      authKind === 'apiKey'
        ? "The key lacks permission: check the key's team and role in the vendor dashboard."
        : "Compare the token's scopes with what the endpoint needs (read: boards:read, write: boards:write) and re-authorize with the right scopes.",
  },
  scope_missing: {
    headline: 'scope missing',
    impact: 'Operations needing the missing scopes fail.',
    action: ({ missingScopes }) =>
      `The token lacks required scopes${missingScopes.length ? ` (${missingScopes.join(', ')})` : ''}: re-authorize through the OAuth flow requesting them.`,
  },
  not_found: {
    headline: 'not found',
    impact: 'One resource is missing; the rest of the integration works.',
    action: () =>
      "The probed resource is gone: verify the board/item IDs in the probe request haven't changed.",
  },
  bad_response: {
    headline: 'bad response',
    impact: 'The vendor answers with something we cannot use.',
    action: ({ side }) =>
      side === 'ours'
        ? "The vendor rejects our probe request: check the request in the config against the vendor's API reference."
        : 'The vendor answers with an unreadable body: keep the evidence excerpt, look for a vendor incident or API change, contact vendor support if it persists.',
  },
  network: {
    headline: 'network failure',
    impact: 'No vendor is reachable from our side.',
    action: () =>
      'Nothing answers from here: check our network, DNS and egress (NAT, proxy, security groups) before blaming the vendor.',
  },
  app_unhealthy: {
    headline: 'integration unhealthy',
    impact: 'Our integration reports itself unhealthy while the vendor is fine.',
    action: () =>
      'Our own health endpoint reports the integration unhealthy: check our pods/containers, memory/CPU and network/DNS.',
  },
  monitoring_gap: {
    headline: 'monitoring gap',
    impact: 'None: a monitoring input could not be read.',
    action: () =>
      'A monitoring input could not be read (status page or token introspection): no user impact; check it by hand and fix the monitor input.',
  },
  quota_exhausted: {
    headline: 'quota exhausted',
    impact: 'Every billable call is rejected until the account is topped up.',
    action: () =>
      'The vendor account is out of credit or quota: top up or raise the plan; billing is ours to fix.',
  },
};
