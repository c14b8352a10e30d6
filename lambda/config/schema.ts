import { z } from 'zod';
import { SEVERITIES } from '../core/vocabulary.ts';

export const PROFILE_NAMES = ['miro', 'ideogram', 'generic'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export const NOTIFICATION_EVENTS = [
  'opened',
  'escalated',
  'deescalated',
  'identified',
  'monitoring',
  'reminder',
  'resolved',
] as const;

const SECRET_REFERENCE_RULE =
  'must be a secret reference { "env": NAME } or { "secret": NAME_OR_ARN, "field": KEY }; literal secret values are not allowed';

const httpUrl = z
  .string()
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
    error: 'must be an http(s) URL',
  });

const envSecret = z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) });
const managedSecret = z.strictObject({ secret: z.string().min(1), field: z.string().min(1).optional() });
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
      path: z.string().startsWith('/').optional(),
      url: httpUrl.optional(),
      headers: z.record(z.string(), z.string()).optional(),
      body: z.string().max(65_536).optional(),
      expectStatus: z.array(z.number().int().min(100).max(599)).min(1).optional(),
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
        .regex(/^[A-Za-z0-9-]+$/)
        .optional(),
    })
    .refine((auth) => Boolean(auth.token) !== Boolean(auth.apiKey), {
      error: 'give exactly one of token or apiKey',
    })
    .optional(),
  token: z
    .strictObject({ path: z.string().startsWith('/') })
    .nullable()
    .optional(),
  requiredScopes: z.array(z.string().min(1)).optional(),
  appHealth: z
    .strictObject({
      url: httpUrl,
      statusPath: z.string().min(1).optional(),
      healthyValues: z.array(z.string()).min(1).optional(),
    })
    .optional(),
  rateLimitHeaders: z
    .strictObject({
      limit: z.string().min(1).optional(),
      remaining: z.string().min(1).optional(),
      reset: z.string().min(1).optional(),
      retryAfter: z.string().min(1).optional(),
    })
    .optional(),
  timeouts: z
    .strictObject({ checkMs: positiveMs.optional(), retryDelayMs: positiveMs.optional() })
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

const subscriber = z.union(
  [
    z.email(),
    z.strictObject({
      email: z.email(),
      severities: z.array(z.enum(SEVERITIES)).min(1).optional(),
      events: z.array(z.enum(NOTIFICATION_EVENTS)).min(1).optional(),
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
      pagerEmails: z.array(subscriber).default([]),
      statusPageEmails: z.array(subscriber).default([]),
    })
    .default({ pagerEmails: [], statusPageEmails: [] }),
  storage: z
    .strictObject({ resultsRetentionDays: z.number().int().min(1).max(3650).default(90) })
    .default({ resultsRetentionDays: 90 }),
});
export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
