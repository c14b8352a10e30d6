import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConfigError } from '../config/load-config.ts';
import { EXIT, UsageError } from './exit-codes.ts';

const positiveInteger = (flag: string) => (value: string) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new InvalidArgumentError(`${flag} takes a whole number ≥ 1`);
  return number;
};
const positiveNumber = (flag: string) => (value: string) => {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError(`${flag} takes a number > 0`);
  return number;
};

// Commands load on use: `probe` never pays for the simulator, `status` never for the probe engine.
const commands = {
  probe: () => import('./commands/probe.ts'),
  run: () => import('./commands/run.ts'),
  readBack: () => import('./commands/read-back.ts'),
  demo: () => import('./commands/demo.ts'),
  query: () => import('./commands/query.ts'),
  report: () => import('./commands/report.ts'),
};

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Each command resolves to its exit code; the program exits with it. */
function program(setExit: (code: number) => void): Command {
  const run = (action: Promise<number>) => action.then(setExit);
  const cli = new Command('vendorwatch')
    .description(
      'Probe third-party APIs the way an on-call runbook does: severity, cause, side, next action.',
    )
    .exitOverride()
    .showHelpAfterError();
  const storeOptions = (command: Command) =>
    command
      .option('--data <dir>', 'local data directory')
      .option('--bucket <bucket>', 'S3 bucket (AWS credentials from the environment)');

  cli
    .command('probe')
    .description('run one cycle and print results and verdicts; stores nothing')
    .requiredOption('--config <file>', 'vendorwatch.config.json')
    .option('--vendor <id>', 'only this vendor')
    .option('--json', 'machine-readable output')
    .action(async (flags) => run((await commands.probe()).probeCommand(flags)));
  cli
    .command('run')
    .description('the monitor, locally: probe, store, track incidents, write notifications to the outbox')
    .requiredOption('--config <file>', 'vendorwatch.config.json')
    .requiredOption('--data <dir>', 'local data directory')
    .option('--cycles <n>', 'stop after n cycles', positiveInteger('--cycles'))
    .option(
      '--interval-seconds <s>',
      'seconds from one cycle start to the next',
      positiveNumber('--interval-seconds'),
    )
    .action(async (flags) => run((await commands.run()).runCommand(flags)));
  storeOptions(cli.command('status').description('each vendor: health, open incident, last check'))
    .option('--config <file>', 'also list configured vendors that have no data yet')
    .option('--json', 'machine-readable output')
    .action(async (flags) => run((await commands.readBack()).statusCommand(flags)));
  storeOptions(cli.command('incidents').description('incidents with severity, cause, side, start and end'))
    .option('--vendor <id>', 'only this vendor')
    .option('--open', 'only incidents not yet resolved')
    .option('--json', 'machine-readable output')
    .action(async (flags) => run((await commands.readBack()).incidentsCommand(flags)));
  storeOptions(cli.command('evidence').description('stored results for a window'))
    .requiredOption('--vendor <id>', 'vendor id')
    .requiredOption('--since <duration>', '30m, 2h, 7d or an ISO time')
    .option('--json', 'machine-readable output')
    .action(async (flags) => run((await commands.readBack()).evidenceCommand(flags)));
  storeOptions(
    cli.command('postmortem').description('the postmortem draft of an incident').argument('<incidentId>'),
  ).action(async (incidentId, flags) =>
    run((await commands.readBack()).postmortemCommand(incidentId, flags)),
  );
  cli
    .command('query')
    .description('SQL over the stored results: the Athena results table, on a local data directory')
    .argument('<sql>', 'e.g. "SELECT vendor, count(*) FROM results GROUP BY vendor"')
    .option('--data <dir>', 'local data directory')
    // Accepted only to answer with a pointer to Athena, so it stays out of the help.
    .addOption(new Option('--bucket <bucket>').hideHelp())
    .option('--json', 'machine-readable output')
    .option('--csv', 'CSV output')
    .option('--param <value>', 'binds the next ? placeholder (repeat in order)', collect)
    .option('--cache-dir <dir>', 'where the columnar copy of the results is kept')
    .option('--no-cache', 'keep no copy between runs')
    .action(async (sql, flags) => run((await commands.query()).queryCommand(sql, flags)));
  storeOptions(cli.command('report').description('SLA ledger: availability, incidents, MTTD/MTTR, latency'))
    .requiredOption('--since <duration>', '30m, 2h, 7d or an ISO time')
    .option('--vendor <id>', 'only this vendor')
    .option('--json', 'machine-readable output')
    .option('--html <file>', 'also write a self-contained HTML page with charts')
    .action(async (flags) => run((await commands.report()).reportCommand(flags)));
  cli
    .command('demo')
    .description('a game day against the built-in vendor simulator, with a fast clock')
    .action(async () => run((await commands.demo()).demoCommand()));
  return cli;
}

/** Known problems print their message and exit with their code; anything else is our bug (exit 1). */
function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof ConfigError || error instanceof UsageError) {
    process.stderr.write(`vendorwatch: ${error.message}\n`);
    return error instanceof UsageError ? error.code : EXIT.usage;
  }
  process.stderr.write(`vendorwatch: internal error: ${(error as Error).stack ?? String(error)}\n`);
  return EXIT.internal;
}

export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
  try {
    await program((exit) => {
      code = exit;
    }).parseAsync(argv, { from: 'user' });
  } catch (error) {
    code = exitCodeFor(error);
  }
  return code;
}
