import { VENDOR_ID } from './bench-vendor.ts';
import { count, kilobytes, quantity, usd, verdict } from './format.ts';
import {
  type CycleMeasurement,
  countOf,
  cyclesIn,
  type MetricSeries,
  type PipelineMeasurements,
  STEADY_PHASE,
} from './pipeline.ts';
import { FREE_TIER, type FreeTierBucket, PRICES, type PriceName, READ_ON, REGION } from './prices.ts';
import type { Goal, SectionResult } from './section.ts';
import { fixedResources, functionFacts, perVendorResources, type StackFacts } from './stack-facts.ts';
import { median } from './stats.ts';
import type { Table } from './table.ts';

/**
 * Cost per vendor-month from what the deployed handlers were measured doing in a steady healthy
 * cycle (requests counted at the wire, handler durations, log bytes, metric series) and what the
 * synthesized stack deploys (memory, alarms, retention), at list prices (prices.ts).
 */

/** AWS prices a month as 730 hours. */
const HOURS_PER_MONTH = 730;
const CADENCES_MIN = [1, 5] as const;
const GIB = 2 ** 30;
const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;
const GOAL_USD = 0.6;

/** Stated, not measured. */
const ASSUMPTIONS = {
  /** One S3 server access log record (the evidence bucket logs every request to the access-log bucket). */
  accessLogRecordBytes: 400,
  /** CloudWatch Logs counts each event's message plus this many bytes. */
  logEventOverheadBytes: 26,
  /** SecretsManagerSecretSource's default cache TTL: one fetch per secret per warm container per TTL. */
  secretCacheMinutes: 5,
  /** Secrets the deployment keeps: every vendor's credential in one secret, a field each (docs/deploy.md). */
  sharedSecrets: 1,
  /** Times a month someone opens or refreshes the dashboard: ten a day. */
  dashboardViewsPerMonth: 300,
} as const;

/**
 * A series with the vendor's id in a dimension is a custom metric per vendor; any other one is billed
 * once per deployment, however many vendors it sums.
 */
const isPerVendor = (series: MetricSeries): boolean => Object.values(series.dimensions).includes(VENDOR_ID);

const metricNames = (series: readonly MetricSeries[]): string =>
  series.length === 0 ? 'none' : series.map((one) => one.name).join(', ');

/** Lambda's START, END and REPORT lines, added to every invocation's own output. */
function platformLogBytes(durationMs: number, memoryMb: number): { bytes: number; events: number } {
  const id = '6f7a1c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
  const billed = Math.ceil(durationMs);
  const lines = [
    `START RequestId: ${id} Version: $LATEST`,
    `END RequestId: ${id}`,
    `REPORT RequestId: ${id}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${billed} ms\tMemory Size: ${memoryMb} MB\tMax Memory Used: ${Math.round(memoryMb * 0.4)} MB\t`,
  ];
  return { bytes: lines.reduce((sum, line) => sum + Buffer.byteLength(line), 0), events: lines.length };
}

/** The figures of one steady healthy cycle that drive the bill. */
interface SteadyCycle {
  probeMs: number;
  stateMs: number;
  puts: number;
  gets: number;
  lists: number;
  resultBytes: number;
  logBytes: number;
  logEvents: number;
}

function steadyCycle(pipeline: PipelineMeasurements): SteadyCycle {
  const cycles = cyclesIn(pipeline, STEADY_PHASE);
  const mean = (pick: (cycle: CycleMeasurement) => number) =>
    cycles.reduce((sum, cycle) => sum + pick(cycle), 0) / cycles.length;
  return {
    probeMs: median(cycles.map((cycle) => cycle.probeMs)),
    stateMs: median(cycles.map((cycle) => cycle.stateMs)),
    puts: mean((cycle) => countOf(cycle.requests, 's3:PutObject')),
    gets: mean((cycle) => countOf(cycle.requests, 's3:GetObject')),
    lists: mean((cycle) => countOf(cycle.requests, 's3:ListObjectsV2')),
    resultBytes: median(cycles.map((cycle) => cycle.resultBytes)),
    logBytes: median(cycles.map((cycle) => cycle.logBytes)),
    logEvents: median(cycles.map((cycle) => cycle.logEvents)),
  };
}

interface LineItem {
  name: string;
  price: PriceName;
  /** Units of the price per month, at a cadence. */
  quantity: (cadenceMin: number) => number;
  describe: (quantity: number) => string;
}

/** Charges line items against list prices, optionally drawing down the always-free allowances first. */
class Bill {
  private readonly used = new Map<FreeTierBucket, number>();
  constructor(private readonly freeTier: boolean) {}

  charge(name: PriceName, quantity: number): number {
    const price = PRICES[name];
    let billable = quantity;
    const bucket: FreeTierBucket | undefined = 'freeTier' in price ? price.freeTier : undefined;
    if (this.freeTier && bucket) {
      const used = this.used.get(bucket) ?? 0;
      const free = Math.min(Math.max(0, FREE_TIER[bucket] - used), quantity);
      this.used.set(bucket, used + free);
      billable -= free;
    }
    return (billable / price.per) * price.usd;
  }
}

const cyclesPerMonth = (cadenceMin: number): number => (HOURS_PER_MONTH * 60) / cadenceMin;

function vendorLineItems(pipeline: PipelineMeasurements, facts: StackFacts): LineItem[] {
  const steady = steadyCycle(pipeline);
  const probe = functionFacts(facts, 'probe');
  const state = functionFacts(facts, 'state');
  const gbSeconds = (ms: number, memoryMb: number) => (Math.ceil(ms) / 1000) * (memoryMb / 1024);
  const platform = [
    platformLogBytes(steady.probeMs, probe.memoryMb),
    platformLogBytes(steady.stateMs, state.memoryMb),
  ];
  const logEventsPerCycle = steady.logEvents + platform.reduce((sum, lines) => sum + lines.events, 0);
  const logBytesPerCycle =
    steady.logBytes +
    platform.reduce((sum, lines) => sum + lines.bytes, 0) +
    logEventsPerCycle * ASSUMPTIONS.logEventOverheadBytes;
  const logGb = (cadenceMin: number) => (cyclesPerMonth(cadenceMin) * logBytesPerCycle) / GIB;
  const perVendorSeries = pipeline.metricSeries.filter(isPerVendor);
  const requestsPerCycle = steady.puts + steady.gets + steady.lists;
  const alarmsPerVendor = perVendorResources(facts)['AWS::CloudWatch::Alarm'] ?? 0;
  const storedGbMonth = (bytesPerCycle: number, retentionDays: number) => (cadenceMin: number) =>
    (cyclesPerMonth(cadenceMin) / DAYS_PER_MONTH) * retentionDays * (bytesPerCycle / GIB);
  const units = (singular: string) => (amount: number) => quantity(amount, singular);

  return [
    {
      name: 'EventBridge Scheduler invocations',
      price: 'schedulerInvocations',
      quantity: cyclesPerMonth,
      describe: units('invocation'),
    },
    {
      name: 'Lambda requests (probe + state)',
      price: 'lambdaRequests',
      quantity: (cadenceMin) => 2 * cyclesPerMonth(cadenceMin),
      describe: units('request'),
    },
    {
      name: `Lambda compute, probe (${Math.ceil(steady.probeMs)} ms × ${probe.memoryMb} MB ${probe.architecture})`,
      price: 'lambdaArmGbSecond',
      quantity: (cadenceMin) => cyclesPerMonth(cadenceMin) * gbSeconds(steady.probeMs, probe.memoryMb),
      describe: (amount) => `${count(amount)} GB-s`,
    },
    {
      name: `Lambda compute, state (${Math.ceil(steady.stateMs)} ms × ${state.memoryMb} MB ${state.architecture})`,
      price: 'lambdaArmGbSecond',
      quantity: (cadenceMin) => cyclesPerMonth(cadenceMin) * gbSeconds(steady.stateMs, state.memoryMb),
      describe: (amount) => `${count(amount)} GB-s`,
    },
    {
      name: `S3 PUT + LIST (${count(steady.puts + steady.lists)} per cycle)`,
      price: 's3PutOrList',
      quantity: (cadenceMin) => cyclesPerMonth(cadenceMin) * (steady.puts + steady.lists),
      describe: units('request'),
    },
    {
      name: `S3 GET (${count(steady.gets)} per cycle)`,
      price: 's3Get',
      quantity: (cadenceMin) => cyclesPerMonth(cadenceMin) * steady.gets,
      describe: units('request'),
    },
    {
      name: `S3 storage, results (${kilobytes(steady.resultBytes)} each, expire after ${facts.resultsRetentionDays} d)`,
      price: 's3Storage',
      quantity: storedGbMonth(steady.resultBytes, facts.resultsRetentionDays),
      describe: (quantity) => `${quantity.toFixed(3)} GB-month`,
    },
    {
      name: `S3 storage, server access logs (${ASSUMPTIONS.accessLogRecordBytes} B per request, ${facts.accessLogRetentionDays} d)`,
      price: 's3Storage',
      quantity: storedGbMonth(
        requestsPerCycle * ASSUMPTIONS.accessLogRecordBytes,
        facts.accessLogRetentionDays,
      ),
      describe: (quantity) => `${quantity.toFixed(3)} GB-month`,
    },
    {
      name: 'SNS publishes (none while healthy; see incidents below)',
      price: 'snsPublish',
      quantity: () => 0,
      describe: (amount) => quantity(amount, 'publish', 'publishes'),
    },
    {
      name: `CloudWatch Logs ingestion (${count(logBytesPerCycle)} B per cycle)`,
      price: 'logsIngestion',
      quantity: logGb,
      describe: (quantity) => `${quantity.toFixed(3)} GB`,
    },
    {
      name: `CloudWatch Logs storage (kept ${facts.logRetentionDays} d)`,
      price: 'logsStorage',
      quantity: (cadenceMin) => logGb(cadenceMin) * (facts.logRetentionDays / DAYS_PER_MONTH),
      describe: (quantity) => `${quantity.toFixed(3)} GB-month`,
    },
    {
      name: `CloudWatch Logs Insights scans (dashboard: ${facts.dashboard.logQueryWidgets} log widgets × ${facts.dashboard.rangeHours} h, ${count(ASSUMPTIONS.dashboardViewsPerMonth)} views)`,
      price: 'logsInsightsScan',
      quantity: (cadenceMin) => dashboardScanGb(facts, logBytesPerCycle, cadenceMin),
      describe: (quantity) => `${quantity.toFixed(3)} GB`,
    },
    {
      name: `CloudWatch custom metrics with a vendor dimension (EMF: ${metricNames(perVendorSeries)})`,
      price: 'customMetric',
      quantity: () => perVendorSeries.length,
      describe: units('metric'),
    },
    {
      name: 'CloudWatch alarms the stack adds per vendor (Scheduler dead-man switch)',
      price: 'standardAlarm',
      quantity: () => alarmsPerVendor,
      describe: units('alarm'),
    },
    {
      name: `Secrets Manager GetSecretValue (${ASSUMPTIONS.secretCacheMinutes} min cache, one warm container per vendor)`,
      price: 'secretApiCalls',
      quantity: (cadenceMin) => (HOURS_PER_MONTH * 60) / Math.max(cadenceMin, ASSUMPTIONS.secretCacheMinutes),
      describe: units('call'),
    },
  ];
}

/**
 * What the dashboard scans of one vendor's logs a month. Every Logs Insights widget is counted as
 * reading all the vendor's log lines in the range: exact for the tables over every vendor, an upper
 * bound for the vendor's own graphs (they read its probe lines only, through the vendor field index).
 * Other vendors' graphs skip its lines, so the figure does not grow with the number of vendors.
 */
function dashboardScanGb(facts: StackFacts, logBytesPerCycle: number, cadenceMin: number): number {
  const { logQueryWidgets, rangeHours } = facts.dashboard;
  const bytesInRange = ((rangeHours * 60) / cadenceMin) * logBytesPerCycle;
  return (ASSUMPTIONS.dashboardViewsPerMonth * logQueryWidgets * bytesInRange) / GIB;
}

interface Priced {
  quantity: number;
  list: number;
  afterFreeTier: number;
}

function priceLines(items: readonly LineItem[], cadenceMin: number): Priced[] {
  const list = new Bill(false);
  const free = new Bill(true);
  return items.map((item) => {
    const amount = item.quantity(cadenceMin);
    return {
      quantity: amount,
      list: list.charge(item.price, amount),
      afterFreeTier: free.charge(item.price, amount),
    };
  });
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

export function costSection(pipeline: PipelineMeasurements, facts: StackFacts): SectionResult {
  const items = vendorLineItems(pipeline, facts);
  const priced = CADENCES_MIN.map((cadenceMin) => priceLines(items, cadenceMin));
  const columns = CADENCES_MIN.flatMap((cadenceMin) => [
    `usage @ ${cadenceMin} min`,
    `list @ ${cadenceMin} min`,
    `free tier @ ${cadenceMin} min`,
  ]);
  const rows = items.map((item, index) => [
    item.name,
    ...priced.flatMap((lines) => {
      const line = lines[index]!;
      return [item.describe(line.quantity), usd(line.list), usd(line.afterFreeTier)];
    }),
  ]);
  const totals = priced.map((lines) => ({
    list: sum(lines.map((line) => line.list)),
    afterFreeTier: sum(lines.map((line) => line.afterFreeTier)),
  }));
  rows.push([
    '**Total per vendor-month**',
    ...totals.flatMap((total) => ['', `**${usd(total.list)}**`, `**${usd(total.afterFreeTier)}**`]),
  ]);
  const atOneMinute = totals[0]!.list;
  const goal: Goal = {
    name: 'cost per vendor-month at 1 min (list prices)',
    target: `≤ ${usd(GOAL_USD)}`,
    measured: usd(atOneMinute),
    met: atOneMinute <= GOAL_USD,
  };
  const scanLine = items.findIndex((item) => item.price === 'logsInsightsScan');
  const dashboardRefreshUsd =
    priced[0]![scanLine]!.list * (cyclesPerMonth(1) / ASSUMPTIONS.dashboardViewsPerMonth);
  const largest = items
    .map((item, index) => ({ name: item.name, usd: priced[0]![index]!.list }))
    .sort((a, b) => b.usd - a.usd)
    .slice(0, 3);
  return {
    tables: [
      {
        title: `3a. Cost per vendor-month, ${REGION} list prices (read ${READ_ON}), steady healthy month`,
        columns: ['line item', ...columns],
        rows,
        notes: [
          `Goal, ${goal.name}: ${goal.target}; measured ${goal.measured}: ${verdict(goal.met)}. Largest lines at 1 min: ${largest.map((line) => `${line.name.split(' (')[0]} ${usd(line.usd)}`).join(', ')}.`,
          `"free tier": the always-free allowances (Lambda 1 M requests + 400,000 GB-s, Scheduler 14 M, CloudWatch 10 metrics + 10 alarms + 5 GB of logs ingested, stored and scanned, SNS 1 M publishes) applied as if this were the only workload in the account, so it is a lower bound; S3 has no lasting free tier.`,
          `Per vendor, the monitor's own health costs one alarm on Scheduler's free per-group invocation count (the dead-man switch) and no custom metric: the handlers' metrics carry no vendor dimension (table 3b) and per-vendor figures come from Logs Insights over the log lines already paid for above.`,
          `Logs Insights bills what the dashboard's log widgets scan each time it is opened or refreshed (${count(ASSUMPTIONS.dashboardViewsPerMonth)} views a month assumed). Left open refreshing every minute, it would scan ${usd(dashboardRefreshUsd)} per vendor-month at 1 min (the metric widgets are not part of this figure).`,
          `Credentials: vendors share one Secrets Manager secret, a field each (table 3b); a secret per vendor would add ${usd(PRICES.secretStorage.usd)} per vendor-month.`,
          `Usage is per month of ${HOURS_PER_MONTH} h; durations, requests, result size, log bytes and metric series are this run's steady-state measurements; memory, alarms and retention come from the synthesized stack.`,
          `Handler durations here have ~1 ms round trips; in AWS each probe pays real TLS handshakes and each S3 request tens of ms. Every extra 100 ms per invocation adds ${usd(extraComputeUsd(facts, 100))} per vendor-month at 1 min (list).`,
          incidentNote(pipeline),
        ],
      },
      fixedCostTable(facts, pipeline),
      alternativesTable(totals),
    ],
    goals: [goal],
    regressions: [],
  };
}

/** Lambda compute for `ms` more per probe invocation, a month at 1-minute cadence. */
function extraComputeUsd(facts: StackFacts, ms: number): number {
  const { memoryMb } = functionFacts(facts, 'probe');
  return new Bill(false).charge('lambdaArmGbSecond', cyclesPerMonth(1) * (ms / 1000) * (memoryMb / 1024));
}

/** What one measured incident (outage + recovery) adds over the same number of quiet cycles. */
function incidentNote(pipeline: PipelineMeasurements): string {
  const steady = steadyCycle(pipeline);
  const incident = pipeline.cycles.filter((cycle) => /^(outage|recovery)/.test(cycle.phase));
  const extra = (operation: Parameters<typeof countOf>[1], perQuietCycle: number) =>
    sum(incident.map((cycle) => countOf(cycle.requests, operation))) - perQuietCycle * incident.length;
  // SNS bills a publish per started 64 KB of payload.
  const billedPublishes = sum(pipeline.publishedBytes.map((bytes) => Math.max(1, Math.ceil(bytes / 65_536))));
  const bill = new Bill(false);
  const usdExtra =
    bill.charge('s3PutOrList', extra('s3:PutObject', steady.puts) + extra('s3:ListObjectsV2', steady.lists)) +
    bill.charge('s3Get', extra('s3:GetObject', steady.gets)) +
    bill.charge('snsPublish', billedPublishes);
  return `Incidents: the measured ${incident.length}-cycle outage and recovery added ${count(extra('s3:PutObject', steady.puts))} PUTs, ${count(extra('s3:GetObject', steady.gets))} GETs (the postmortem reads the window's results), ${count(extra('s3:ListObjectsV2', steady.lists))} LIST and ${count(extra('sns:Publish', 0))} SNS publishes (largest ${count(Math.max(0, ...pipeline.publishedBytes))} B, so ${count(billedPublishes)} billed): ${usd(usdExtra)}, plus ${usd(PRICES.snsEmail.usd / PRICES.snsEmail.per)} per email delivered.`;
}

function fixedCostTable(facts: StackFacts, pipeline: PipelineMeasurements): Table {
  const fixed = fixedResources(facts);
  const deploymentSeries = pipeline.metricSeries.filter((series) => !isPerVendor(series));
  const lines: { name: string; price: PriceName; quantity: number }[] = [
    {
      name: `CloudWatch custom metrics summed over vendors (EMF: ${metricNames(deploymentSeries)})`,
      price: 'customMetric',
      quantity: deploymentSeries.length,
    },
    {
      name: 'CloudWatch alarms (function errors/throttles, dead-letter queues)',
      price: 'standardAlarm',
      quantity: fixed['AWS::CloudWatch::Alarm'] ?? 0,
    },
    { name: 'CloudWatch dashboard', price: 'dashboard', quantity: fixed['AWS::CloudWatch::Dashboard'] ?? 0 },
    { name: 'KMS key (SNS topic encryption)', price: 'kmsKey', quantity: fixed['AWS::KMS::Key'] ?? 0 },
    {
      name: 'Secrets Manager: one secret for every vendor, a field each',
      price: 'secretStorage',
      quantity: ASSUMPTIONS.sharedSecrets,
    },
  ];
  const list = new Bill(false);
  const free = new Bill(true);
  const priced = lines.map((line) => ({
    ...line,
    list: list.charge(line.price, line.quantity),
    free: free.charge(line.price, line.quantity),
  }));
  return {
    title: '3b. Per deployment, whatever the number of vendors',
    columns: ['line item', 'count', 'list / month', 'free tier / month'],
    rows: [
      ...priced.map((line) => [line.name, String(line.quantity), usd(line.list), usd(line.free)]),
      [
        '**Total**',
        '',
        `**${usd(sum(priced.map((line) => line.list)))}**`,
        `**${usd(sum(priced.map((line) => line.free)))}**`,
      ],
    ],
    notes: [
      'Alarms, dashboard and key are counted in the synthesized stack (one-vendor stack minus what a second vendor adds); custom metrics are the EMF series this run emitted without a vendor dimension; the secret is the one the config references (the stack creates none).',
      'Dead-letter queues, SNS topics, schedule groups and the Glue table cost nothing while idle; Athena queries are billed per TB scanned when run.',
    ],
  };
}

function alternativesTable(vendorwatch: readonly { list: number; afterFreeTier: number }[]): Table {
  const runs = (cadenceMin: number) => cyclesPerMonth(cadenceMin);
  const price = (name: PriceName, quantity: number, freeTier: boolean) =>
    new Bill(freeTier).charge(name, quantity);
  const row = (name: string, at: (cadenceMin: number, freeTier: boolean) => number) => [
    name,
    ...CADENCES_MIN.flatMap((cadenceMin) => [usd(at(cadenceMin, false)), usd(at(cadenceMin, true))]),
  ];
  return {
    title: '3c. The alternatives, per monitored endpoint-month',
    columns: ['monitor', 'list @ 1 min', 'free tier @ 1 min', 'list @ 5 min', 'free tier @ 5 min'],
    rows: [
      [
        'vendorwatch (table 3a)',
        ...vendorwatch.flatMap((total) => [usd(total.list), usd(total.afterFreeTier)]),
      ],
      row(
        'CloudWatch Synthetics canary + its 1-of-1 alarm',
        (cadenceMin, freeTier) =>
          price('syntheticsCanaryRun', runs(cadenceMin), freeTier) + price('standardAlarm', 1, freeTier),
      ),
      row('Checkly API check, 1 location', (cadenceMin) => price('checklyApiRun', runs(cadenceMin), false)),
    ],
    notes: [
      `Synthetics: ${usd(PRICES.syntheticsCanaryRun.usd)} per canary run (first 100 runs a month free), one canary per endpoint; the canary's own Lambda, S3 artifacts and logs come on top.`,
      `Checkly: ${usd(PRICES.checklyApiRun.usd)} per ${count(PRICES.checklyApiRun.per)} API check runs (prepaid bundle base cost, one location, no retries); the plan fee is not included.`,
      'Gatus is free software with no list price: its cost is the host it runs on (and keeping that host up), which the other rows include.',
      `Sources and dates for every price: bench/prices.ts (read ${READ_ON}).`,
    ],
  };
}
