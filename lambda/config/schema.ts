import { z } from 'zod';
import { EVENT_NAMES } from '../core/notification.ts';
import { SEVERITIES } from '../core/vocabulary.ts';

export const PROFILE_NAMES = ['miro', 'ideogram', 'generic'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

const SECRET_REFERENCE_RULE =
  'must be a secret reference { "env": NAME } or { "secret": NAME_OR_ARN, "field": KEY }; literal secret values are not allowed';

// Bounds on every string and list: a megabyte where a URL or a name belongs is a mistake, and should
// be reported here with its path, not as a probe failure, a deploy failure or a megabyte on stderr.
const NAME_MAX = 256;
const URL_MAX = 2048;
const LIST_MAX = 100;
const name = z.string().min(1).max(NAME_MAX);

const httpUrl = z
  .string()
  .max(URL_MAX)
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
    error: 'must be an http(s) URL',
  });

// What Node's HTTP client accepts; anything else would make every probe of the vendor throw.
const httpHeaderName = z
  .string()
  .max(NAME_MAX)
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/);
const httpHeaderValue = z
  .string()
  .max(URL_MAX)
  .regex(/^[\t\x20-\x7e\x80-\xff]*$/, {
    error: 'must be a header value: no line breaks or control characters, nothing beyond Latin-1',
  });

const envSecret = z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,255}$/) });
const managedSecret = z.strictObject({ secret: z.string().min(1).max(URL_MAX), field: name.optional() });
// A bare string here would be a pasted credential: reject it with a message that never echoes it.
export const secretReference = z.union([envSecret, managedSecret], { error: SECRET_REFERENCE_RULE });
export type SecretReference = z.infer<typeof secretReference>;

const positiveMs = z.number().int().positive().max(300_000);

export const vendorSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, {
    error: 'must be 1-40 characters: lowercase letters, digits, dashes',
  }),
  profile: z.enum(PROFILE_NAMES, { error: `must be one of ${PROFILE_NAMES.join(', ')}` }),
  name: z.string().min(1).max(60).optional(),
  statusPage: httpUrl.nullable().optional(),
  apiBase: httpUrl.optional(),
  api: z
    .strictObject({
      method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).optional(),
      path: z.string().max(URL_MAX).startsWith('/').optional(),
      url: httpUrl.optional(),
      headers: z
        .record(httpHeaderName, httpHeaderValue, {
          error: (issue) => (issue.code === 'invalid_key' ? 'must be an HTTP header name' : undefined),
        })
        .optional(),
      body: z.string().max(65_536).optional(),
      expectStatus: z.array(z.number().int().min(100).max(599)).min(1).max(LIST_MAX).optional(),
    })
    .refine((api) => !(api.path && api.url), { error: 'give either path or url, not both' })
    .nullable()
    .optional(),
  auth: z
    .strictObject({
      token: secretReference.optional(),
      apiKey: secretReference.optional(),
      header: z
        .string()
        .max(NAME_MAX)
        .regex(/^[A-Za-z0-9-]+$/)
        .optional(),
    })
    .refine((auth) => Boolean(auth.token) !== Boolean(auth.apiKey), {
      error: 'give exactly one of token or apiKey',
    })
    .optional(),
  token: z
    .strictObject({ path: z.string().max(URL_MAX).startsWith('/') })
    .nullable()
    .optional(),
  requiredScopes: z.array(name).max(LIST_MAX).optional(),
  appHealth: z
    .strictObject({
      url: httpUrl,
      statusPath: name.optional(),
      healthyValues: z.array(z.string().max(NAME_MAX)).min(1).max(LIST_MAX).optional(),
    })
    .optional(),
  rateLimitHeaders: z
    .strictObject({
      limit: name.optional(),
      remaining: name.optional(),
      reset: name.optional(),
      retryAfter: name.optional(),
    })
    .optional(),
  timeouts: z
    .strictObject({
      checkMs: positiveMs.optional(),
      retryDelayMs: positiveMs.optional(),
      confirmAfterMs: z.number().int().min(0).max(300_000).optional(),
    })
    .optional(),
  rateLimitLowPercent: z.number().min(0).max(100).optional(),
  maxBodyBytes: z
    .number()
    .int()
    .min(1024)
    .max(10 * 1024 * 1024)
    .optional(),
  latencyMsDegraded: positiveMs.optional(),
});
export type VendorInput = z.infer<typeof vendorSchema>;

// RFC 5321: an address is at most 254 characters.
const email = z.email().max(254);
const subscriber = z.union(
  [
    email,
    z.strictObject({
      email,
      severities: z.array(z.enum(SEVERITIES)).min(1).max(SEVERITIES.length).optional(),
      events: z.array(z.enum(EVENT_NAMES)).min(1).max(EVENT_NAMES.length).optional(),
    }),
  ],
  { error: 'must be an email address or { "email", "severities"?, "events"? }' },
);
export type SubscriberInput = z.infer<typeof subscriber>;

export const configSchema = z.strictObject({
  vendors: z.array(vendorSchema).min(1, { error: 'configure at least one vendor' }).max(100),
  schedule: z
    .strictObject({ everyMinutes: z.number().int().min(1).max(1440).default(1) })
    .default({ everyMinutes: 1 }),
  policy: z
    .strictObject({
      openAfter: z.number().int().min(1).max(60).default(2),
      resolveAfter: z.number().int().min(1).max(60).default(3),
      identifyAfter: z.number().int().min(1).max(60).default(2),
      latencyMsDegraded: positiveMs.default(2000),
      reminderMinutes: z.number().int().min(1).max(1440).default(30),
    })
    .default({
      openAfter: 2,
      resolveAfter: 3,
      identifyAfter: 2,
      latencyMsDegraded: 2000,
      reminderMinutes: 30,
    }),
  notify: z
    .strictObject({
      pagerEmails: z.array(subscriber).max(LIST_MAX).default([]),
      statusPageEmails: z.array(subscriber).max(LIST_MAX).default([]),
    })
    .default({ pagerEmails: [], statusPageEmails: [] }),
  storage: z
    .strictObject({ resultsRetentionDays: z.number().int().min(1).max(3650).default(90) })
    .default({ resultsRetentionDays: 90 }),
});
export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
