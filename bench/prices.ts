/**
 * List prices the cost model uses, US East (N. Virginia), each with where it was read. Pages were
 * read from the stored copies available on READ_ON; where a page states its own date it is given
 * as `asOf` ("as stored"). Prices change: re-check the sources before quoting a figure.
 */

export const READ_ON = '2026-11-23';
export const REGION = 'us-east-1';

/**
 * Always-free AWS Free Tier allowances, per account and month. Line items that share one allowance
 * name the same bucket (CloudWatch Logs' 5 GB covers ingestion and storage together).
 */
export const FREE_TIER = {
  lambdaRequests: 1_000_000,
  lambdaGbSeconds: 400_000,
  schedulerInvocations: 14_000_000,
  snsPublishes: 1_000_000,
  snsEmails: 1_000,
  logsGb: 5,
  customMetrics: 10,
  alarms: 10,
  dashboards: 3,
  canaryRuns: 100,
} as const satisfies Record<string, number>;
export type FreeTierBucket = keyof typeof FREE_TIER;

export interface ListPrice {
  /** Dollars per `per` units. */
  usd: number;
  per: number;
  unit: string;
  /** The always-free allowance this line draws on, if any. */
  freeTier?: FreeTierBucket;
  sources: readonly string[];
  /** The date the page itself states, when it states one. */
  asOf?: string;
  note?: string;
}

const CLOUDWATCH_PRICING = 'https://aws.amazon.com/cloudwatch/pricing/ (free tier table)';

export const PRICES = {
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    per: 1,
    unit: 'GB-second (Arm, first 7.5 billion)',
    freeTier: 'lambdaGbSeconds',
    sources: [
      'https://cloudchipr.com/blog/aws-lambda-pricing',
      'https://app.unpkg.com/artillery@2.0.28/files/lib/platform/aws-lambda/prices.js',
    ],
    asOf: '2024',
  },
  lambdaRequests: {
    usd: 0.2,
    per: 1_000_000,
    unit: 'requests',
    freeTier: 'lambdaRequests',
    sources: [
      'https://aws.amazon.com/lambda/pricing/ as transcribed in https://raw.githubusercontent.com/api-evangelist/aws-lambda/refs/heads/main/plans/aws-lambda-plans-pricing.yml',
    ],
    asOf: '2026-09-20',
  },
  schedulerInvocations: {
    usd: 1,
    per: 1_000_000,
    unit: 'EventBridge Scheduler invocations',
    freeTier: 'schedulerInvocations',
    sources: ['https://cloudburn.io/blog/amazon-eventbridge-pricing'],
    asOf: '2026-03-13',
  },
  s3PutOrList: {
    usd: 0.005,
    per: 1_000,
    unit: 'S3 Standard PUT, COPY, POST or LIST requests',
    sources: [
      'https://devnotes.tech/understanding-aws-s3-pricing-a-complete-cost-breakdown-with-examples',
      'https://www.cloudkaramchari.com/blog/understanding-per-1000-put-copy-post-or-list-requests-in-amazon-s3-pricing/',
    ],
    note: "S3's 12-month free tier is for new accounts only (and is credits for accounts opened since July 2025): not applied",
  },
  s3Get: {
    usd: 0.0004,
    per: 1_000,
    unit: 'S3 Standard GET requests',
    sources: ['https://devnotes.tech/understanding-aws-s3-pricing-a-complete-cost-breakdown-with-examples'],
  },
  s3Storage: {
    usd: 0.023,
    per: 1,
    unit: 'GB-month, S3 Standard (first 50 TB)',
    sources: ['https://cloudburn.io/blog/amazon-s3-pricing'],
    asOf: '2026-03-13',
  },
  snsPublish: {
    usd: 0.5,
    per: 1_000_000,
    unit: 'SNS standard-topic publishes (64 KB chunks)',
    freeTier: 'snsPublishes',
    sources: ['https://www.factualminds.com/blog/amazon-sns-pricing-publishes-fanout-protocols/'],
    asOf: '2026-06-13',
    note: 'free tier (1 M publishes, 1,000 emails) from the AWS Free Tier, not found in the stored pages',
  },
  snsEmail: {
    usd: 2,
    per: 100_000,
    unit: 'SNS email deliveries',
    freeTier: 'snsEmails',
    sources: ['https://www.factualminds.com/blog/amazon-sns-pricing-publishes-fanout-protocols/'],
    asOf: '2026-06-13',
  },
  logsIngestion: {
    usd: 0.5,
    per: 1,
    unit: 'GB ingested, CloudWatch Logs Standard',
    freeTier: 'logsGb',
    sources: ['https://c3x.dev/blog/cloudwatch-logs-cost-optimization', CLOUDWATCH_PRICING],
    asOf: '2026-06',
  },
  logsStorage: {
    usd: 0.03,
    per: 1,
    unit: 'GB-month stored, CloudWatch Logs',
    freeTier: 'logsGb',
    sources: ['https://c3x.dev/blog/cloudwatch-logs-cost-optimization'],
    asOf: '2026-06',
  },
  logsInsightsScan: {
    usd: 0.005,
    per: 1,
    unit: 'GB scanned by CloudWatch Logs Insights queries (dashboard widgets included)',
    freeTier: 'logsGb',
    sources: ['https://c3x.dev/blog/cloudwatch-logs-cost-optimization', CLOUDWATCH_PRICING],
    asOf: '2026-06',
  },
  customMetric: {
    usd: 0.3,
    per: 1,
    unit: 'custom metric-month (first 10,000)',
    freeTier: 'customMetrics',
    sources: ['https://signoz.io/guides/cloudwatch-pricing', CLOUDWATCH_PRICING],
    asOf: '2026-02-15',
  },
  standardAlarm: {
    usd: 0.1,
    per: 1,
    unit: 'standard-resolution alarm-month',
    freeTier: 'alarms',
    sources: ['https://c3x.dev/resources/aws/aws_cloudwatch_metric_alarm', CLOUDWATCH_PRICING],
  },
  dashboard: {
    usd: 3,
    per: 1,
    unit: 'custom dashboard-month',
    freeTier: 'dashboards',
    sources: [
      'https://www.factualminds.com/blog/amazon-cloudwatch-pricing-metrics-logs-alarms-dashboards/',
      CLOUDWATCH_PRICING,
    ],
    asOf: '2026-06-13',
  },
  kmsKey: {
    usd: 1,
    per: 1,
    unit: 'customer managed KMS key-month',
    sources: ['https://aws.amazon.com/kms/pricing/'],
  },
  secretStorage: {
    usd: 0.4,
    per: 1,
    unit: 'Secrets Manager secret-month',
    sources: ['https://hivebook.wiki/wiki/aws-secrets-manager-rotated-secrets-dynamic-db-credentials-kms'],
    note: 'the 30-day trial is not a lasting free tier: not applied',
  },
  secretApiCalls: {
    usd: 0.05,
    per: 10_000,
    unit: 'Secrets Manager API calls',
    sources: ['https://hivebook.wiki/wiki/aws-secrets-manager-rotated-secrets-dynamic-db-credentials-kms'],
  },
  syntheticsCanaryRun: {
    usd: 0.0012,
    per: 1,
    unit: 'CloudWatch Synthetics canary run',
    freeTier: 'canaryRuns',
    sources: [
      'https://blog.mattsbit.co.uk/2023/11/11/aws-synthetics-canaries-when-to-bite-the-bullet/',
      'https://thomasstep.com/blog/cloudformation-for-creating-canary',
      CLOUDWATCH_PRICING,
    ],
    asOf: '2023-11-11',
    note: "the canary's own Lambda, S3 artifacts and logs are billed on top and not counted here",
  },
  checklyApiRun: {
    usd: 2,
    per: 10_000,
    unit: 'Checkly API check runs (prepaid bundle base cost, 1 location, no retries)',
    sources: ['https://docs.checklyhq.com/docs/monitoring/check-pricing'],
    note: 'the plan fee is not included; overages are billed above this rate',
  },
} as const satisfies Record<string, ListPrice>;

export type PriceName = keyof typeof PRICES;
