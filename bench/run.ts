/**
 * `npm run bench`: every section in one run, printed as tables with the machine they ran on and
 * written into docs/BENCHMARKS.md. Figures never fail the run; broken code does (a section that
 * throws, or an invariant a measurement shows broken), with exit code 1 after everything is written.
 */
import { fileURLToPath } from 'node:url';
import { writeResults } from './benchmarks-doc.ts';
import { costSection } from './cost.ts';
import { cycleTimeSection } from './cycle-time.ts';
import { detectionSection } from './detection.ts';
import { buildEngines, type EngineInputs, publishDelayNotes } from './engines.ts';
import { falsePagesSection } from './false-pages.ts';
import { bundleTable, measureBundles, requestsSection } from './footprint.ts';
import { verdict } from './format.ts';
import { describeMachine, machineTable } from './machine.ts';
import { cyclesIn, measurePipeline, OPENING_PHASE, type PipelineMeasurements } from './pipeline.ts';
import { sampleProbeCycles } from './probe-samples.ts';
import { benchQuery } from './query.ts';
import type { SectionResult } from './section.ts';
import { removeSynthesis, synthesizeStack } from './stack-facts.ts';
import { median } from './stats.ts';
import { renderTable, type Table } from './table.ts';

const DOC = fileURLToPath(new URL('../docs/BENCHMARKS.md', import.meta.url));

type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);

async function attempt<T>(what: string, work: () => Promise<T> | T): Promise<Outcome<T>> {
  const started = performance.now();
  progress(`${what}…`);
  try {
    const value = await work();
    progress(`${what}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return { ok: true, value };
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    progress(`${what} FAILED\n${message}`);
    return { ok: false, error: `${what} failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** A section whose inputs or own run failed: reported in place of its tables, and fails the run. */
const failedSection = (title: string, error: string): SectionResult => ({
  tables: [{ title, columns: ['status'], rows: [[error.split('\n')[0]!]] }],
  goals: [],
  regressions: [error],
});

/** The value of a measurement a section depends on; if that measurement failed, the section is not run. */
function needs<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw new Error(`not run: ${outcome.error}`);
}

async function section(
  title: string,
  work: () => Promise<SectionResult> | SectionResult,
): Promise<SectionResult> {
  const outcome = await attempt(title, work);
  return outcome.ok ? outcome.value : failedSection(title, outcome.error);
}

/** The measured state-handler run on the result that opens an incident: part of the page's delay. */
const openingStateStageS = (pipeline: PipelineMeasurements): number =>
  median(cyclesIn(pipeline, OPENING_PHASE).map((cycle) => cycle.stateMs)) / 1000;

function goalsTable(results: readonly SectionResult[]): Table {
  return {
    title: 'Goals',
    columns: ['goal', 'target', 'measured', 'status'],
    rows: results.flatMap((result) =>
      result.goals.map((goal) => [goal.name, goal.target, goal.measured, verdict(goal.met)]),
    ),
  };
}

async function main(): Promise<void> {
  const machine = describeMachine();
  const started = performance.now();
  const pipeline = await attempt('deployed handlers against the simulator and fake AWS', measurePipeline);
  const sampled = await attempt('probe samples for the simulated clock', sampleProbeCycles);
  const facts = await attempt('synthesizing the stack (bundles, resources)', synthesizeStack);
  const engineInputs = await attempt('engine inputs', (): EngineInputs => {
    const { samples, config } = needs(sampled);
    const vendor = config.vendors[0]!;
    return {
      samples,
      policy: config.policy,
      classifyContext: { authKind: vendor.auth?.kind ?? null },
      stateStageS: openingStateStageS(needs(pipeline)),
      retryDelayMs: vendor.retryDelayMs,
    };
  });
  const built = await attempt('building the engines', () => buildEngines(needs(engineInputs)));
  const engines = () => needs(built);

  const results: SectionResult[] = [
    await section('1. Detection latency', () =>
      detectionSection(engines(), publishDelayNotes(needs(engineInputs))),
    ),
    await section('2. False pages', () => falsePagesSection(engines())),
    await section('3. Cost', () => costSection(needs(pipeline), needs(facts))),
    await section('4a. Lambda bundles', async () => ({
      tables: [bundleTable(await measureBundles(needs(facts)))],
      goals: [],
      regressions: [],
    })),
    await section('4b. Requests per cycle', () => requestsSection(needs(pipeline))),
    await section('5. Cycle time', cycleTimeSection),
    // Generates 432,000 result files once (about 1.7 GB, reused from the temp dir on later runs).
    await section('6. Evidence queries at scale', benchQuery),
  ];
  if (facts.ok) removeSynthesis(facts.value);

  const regressions = results.flatMap((result) => result.regressions);
  const tables: Table[] = [
    machineTable(machine),
    ...results.flatMap((result) => result.tables),
    goalsTable(results),
  ];
  if (regressions.length > 0) {
    tables.push({
      title: 'REGRESSIONS: broken code, not slow code',
      columns: ['what'],
      rows: regressions.map((regression) => [regression.split('\n')[0]!]),
    });
  }
  const markdown = tables.map(renderTable).join('\n\n');
  process.stdout.write(`\n${markdown}\n\n`);
  writeResults(DOC, markdown);
  progress(
    `done in ${((performance.now() - started) / 1000).toFixed(0)} s; tables written to docs/BENCHMARKS.md`,
  );
  if (regressions.length > 0) {
    progress(`${regressions.length} regression(s): see the REGRESSIONS table`);
    process.exitCode = 1;
  }
}

await main();
