import { FileObjectStore } from '../../adapters/file-object-store.ts';
import { OutboxNotifier } from '../../adapters/outbox-notifier.ts';
import { loadConfig } from '../../config/load-config.ts';
import { runMonitor, type VendorCycle } from '../../monitor/local-runner.ts';
import { credentialsFor } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { severityText } from '../output.ts';

export interface RunFlags {
  config: string;
  data: string;
  cycles?: number;
  intervalSeconds?: number;
}

function vendorWords(outcome: VendorCycle): string {
  const { verdict } = outcome.result;
  const events = outcome.changes.map((change) => change.event);
  return [
    outcome.result.vendor,
    severityText(verdict.severity),
    ...(verdict.severity ? [verdict.cause] : []),
    ...(events.length ? [`[${events.join(', ')}]`] : []),
    ...(outcome.deliveryError ? [`(delivery pending: ${outcome.deliveryError})`] : []),
  ].join(' ');
}

export const cycleLine = (cycle: number, outcomes: VendorCycle[]): string =>
  `cycle ${String(cycle).padStart(3)}  ${outcomes[0]?.result.startedAt.slice(0, 19) ?? ''}Z  ${outcomes.map(vendorWords).join('  |  ')}`;

/** The monitor, locally: results, state, incidents and an outbox of messages under --data. */
export async function runCommand(flags: RunFlags): Promise<number> {
  const config = loadConfig(flags.config);
  const credentials = await credentialsFor(config, config.vendors);
  const store = new FileObjectStore(flags.data);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await runMonitor({
      config,
      store,
      notifier: new OutboxNotifier(store),
      credentials,
      ...(flags.cycles === undefined ? {} : { cycles: flags.cycles }),
      intervalMs: (flags.intervalSeconds ?? config.schedule.everyMinutes * 60) * 1000,
      clock: () => new Date(),
      onCycle: (cycle, outcomes) => process.stdout.write(`${cycleLine(cycle, outcomes)}\n`),
      stop: stop.signal,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return EXIT.ok;
}
