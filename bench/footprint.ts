import { execFile } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { BilledRequest } from './fake-aws.ts';
import { count, kilobytes, milliseconds, verdict } from './format.ts';
import {
  countOf,
  cyclesIn,
  OPENING_PHASE,
  type PipelineMeasurements,
  SCRIPT,
  STEADY_PHASE,
  stateWritesOf,
} from './pipeline.ts';
import type { Goal, SectionResult } from './section.ts';
import type { FunctionFacts, StackFacts } from './stack-facts.ts';
import { median } from './stats.ts';
import type { Table } from './table.ts';

const run = promisify(execFile);

/** Cold processes per bundle and setting: the median of these is reported. */
const IMPORT_RUNS = 5;
/** Prints how long importing the module named by argv[2] took, in a process that has loaded nothing else. */
const IMPORT_TIMER = `const started = performance.now();
await import(process.argv[2]);
process.stdout.write(JSON.stringify(performance.now() - started));
`;

/** What the handlers need at module load: the stack's variables with placeholder values. */
const IMPORT_ENV = {
  AWS_REGION: 'us-east-1',
  RESULTS_BUCKET: 'vendorwatch-bench-evidence',
  PAGER_TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:vendorwatch-pager',
  STATUS_PAGE_TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:vendorwatch-status-page',
} as const;

export interface BundleFootprint {
  fn: FunctionFacts;
  bytes: number;
  gzipBytes: number;
  sourceMapBytes: number;
  /** Median import time with the stack's NODE_OPTIONS (source maps on), as deployed. */
  importMsDeployed: number;
  /** Median import time with no NODE_OPTIONS. */
  importMsPlain: number;
}

export async function measureBundles(facts: StackFacts): Promise<BundleFootprint[]> {
  const timer = join(facts.outdir, 'import-timer.mjs');
  writeFileSync(timer, IMPORT_TIMER);
  const footprints: BundleFootprint[] = [];
  for (const fn of facts.functions) {
    const source = readFileSync(fn.bundleFile);
    const importMs = async (nodeOptions: string | undefined): Promise<number> => {
      const times: number[] = [];
      for (let index = 0; index < IMPORT_RUNS; index++) {
        const { stdout } = await run(process.execPath, [timer, pathToFileURL(fn.bundleFile).href], {
          env: {
            PATH: process.env.PATH,
            ...IMPORT_ENV,
            ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
          },
        });
        times.push(Number(stdout));
      }
      return median(times);
    };
    footprints.push({
      fn,
      bytes: source.length,
      gzipBytes: gzipSync(source, { level: 9 }).length,
      sourceMapBytes: statSync(`${fn.bundleFile}.map`).size,
      importMsDeployed: await importMs(fn.environment.NODE_OPTIONS),
      importMsPlain: await importMs(undefined),
    });
  }
  return footprints;
}

export function bundleTable(bundles: readonly BundleFootprint[]): Table {
  return {
    title: '4a. Lambda bundles (built by the stack: esbuild ESM, minified, AWS SDK bundled)',
    columns: [
      'function',
      'runtime / arch / memory',
      'index.mjs',
      'gzip -9',
      'source map',
      `import, cold node (median of ${IMPORT_RUNS}), as deployed`,
      'import, no source maps',
    ],
    rows: bundles.map((bundle) => [
      bundle.fn.role,
      `${bundle.fn.runtime} / ${bundle.fn.architecture} / ${bundle.fn.memoryMb} MB`,
      kilobytes(bundle.bytes),
      kilobytes(bundle.gzipBytes),
      kilobytes(bundle.sourceMapBytes),
      milliseconds(bundle.importMsDeployed),
      milliseconds(bundle.importMsPlain),
    ]),
    notes: [
      `Bundles come from synthesizing the real stack (lib/), so size and options are what \`cdk deploy\` ships; "as deployed" runs with the stack's NODE_OPTIONS (${bundlesNodeOptions(bundles)}).`,
      `Import time: a fresh \`node\` (${process.version} here; Lambda runs the stack's runtime) imports the bundle with placeholder RESULTS_BUCKET, topic ARNs and AWS_REGION; the config is inlined at build time. It is the module-load part of a cold start, not Lambda's whole init.`,
    ],
  };
}

const bundlesNodeOptions = (bundles: readonly BundleFootprint[]): string =>
  [...new Set(bundles.map((bundle) => bundle.fn.environment.NODE_OPTIONS ?? 'none'))].join(', ');

function getsByPrefix(requests: readonly BilledRequest[]): string {
  const prefixes = requests
    .filter((request) => request.operation === 's3:GetObject')
    .map((request) => `${request.target.split('/')[0]}/`);
  return [...new Set(prefixes)]
    .map((prefix) => `${prefix} ×${prefixes.filter((candidate) => candidate === prefix).length}`)
    .join(', ');
}

/** "3" when every cycle of a phase agrees, "2–5" when they differ. */
function spread(values: readonly number[]): string {
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? count(low) : `${count(low)}–${count(high)}`;
}

export function requestsSection(pipeline: PipelineMeasurements): SectionResult {
  const rows = SCRIPT.map(({ phase }) => {
    const cycles = cyclesIn(pipeline, phase);
    const per = (pick: (requests: (typeof cycles)[number]['requests']) => number) =>
      spread(cycles.map((cycle) => pick(cycle.requests)));
    return [
      phase,
      String(cycles.length),
      per((requests) => countOf(requests, 's3:PutObject')),
      per((requests) => countOf(requests, 's3:GetObject')),
      per((requests) => countOf(requests, 's3:ListObjectsV2')),
      per(stateWritesOf),
      per((requests) => countOf(requests, 'sns:Publish')),
      per((requests) => countOf(requests, 'secretsmanager:GetSecretValue')),
      milliseconds(median(cycles.map((cycle) => cycle.probeMs))),
      milliseconds(median(cycles.map((cycle) => cycle.stateMs))),
    ];
  });
  const steady = cyclesIn(pipeline, STEADY_PHASE);
  const steadyMax = (pick: (cycle: (typeof steady)[number]) => number) => Math.max(...steady.map(pick));
  const puts = steadyMax((cycle) => countOf(cycle.requests, 's3:PutObject'));
  const gets = steadyMax((cycle) => countOf(cycle.requests, 's3:GetObject'));
  const stateWrites = steadyMax((cycle) => stateWritesOf(cycle.requests));
  const goals: Goal[] = [
    { name: 'S3 PUTs per steady-state cycle', target: '1', measured: String(puts), met: puts === 1 },
    { name: 'S3 GETs per steady-state cycle', target: '≤ 1', measured: String(gets), met: gets <= 1 },
    {
      name: 'state writes per steady-state cycle',
      target: '0 (fixed point)',
      measured: String(stateWrites),
      met: stateWrites === 0,
    },
  ];
  const opening = cyclesIn(pipeline, OPENING_PHASE);
  const regressions = [
    ...(puts > 1 ? [`a steady-state cycle made ${puts} S3 PUTs (expected 1: the result only)`] : []),
    ...(stateWrites > 0
      ? [
          `a steady-state cycle wrote the state ${stateWrites} time(s): the healthy state is no longer a fixed point`,
        ]
      : []),
    ...(opening.every((cycle) => countOf(cycle.requests, 'sns:Publish') === 0)
      ? ['the outage’s opening cycle published nothing to SNS']
      : []),
  ];
  return {
    tables: [
      {
        title: '4b. Requests per cycle, counted at the AWS wire (probe + state handlers, as deployed)',
        columns: [
          'phase',
          'cycles',
          'S3 PUT',
          'S3 GET',
          'S3 LIST',
          'of which state writes',
          'SNS publish',
          'Secrets Manager',
          'probe handler',
          'state handler',
        ],
        rows,
        notes: [
          'The deployed handlers (middy, Powertools, S3/SNS/Secrets Manager SDK clients) run unchanged against an in-process fake of the S3, SNS and Secrets Manager wire protocols; every request they send is counted. Handler times are medians on this machine with ~1 ms fake-AWS and simulator round trips.',
          `Steady-state cycle: ${goals.map((goal) => `${goal.name.replace(' per steady-state cycle', '')} ${goal.measured} (goal ${goal.target}: ${verdict(goal.met)})`).join('; ')}.`,
          `What a steady cycle reads (S3 GET by key prefix): ${getsByPrefix(steady[0]?.requests ?? [])}.`,
        ],
      },
    ],
    goals,
    regressions,
  };
}
