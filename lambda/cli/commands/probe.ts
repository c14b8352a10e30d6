import { loadConfig } from '../../config/load-config.ts';
import { isFinding } from '../../core/vocabulary.ts';
import { cycleBudgetMs, probeVendor } from '../../probe/probe-vendor.ts';
import { credentialsFor, selectVendors } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { formatProbeResult, printJson } from '../output.ts';

export interface ProbeFlags {
  config: string;
  vendor?: string;
  json?: boolean;
}

/** One cycle for each vendor, printed; nothing stored. Exit 3 when anything is a finding. */
export async function probeCommand(flags: ProbeFlags): Promise<number> {
  const config = loadConfig(flags.config);
  const vendors = selectVendors(config, flags.vendor);
  const credentials = await credentialsFor(config, vendors);
  const now = new Date();
  const results = await Promise.all(
    vendors.map((vendor) =>
      probeVendor(vendor, {
        credential: credentials.byVendor.get(vendor.id) ?? null,
        secrets: credentials.secrets,
        now,
        budgetMs: cycleBudgetMs(vendor),
      }),
    ),
  );
  if (flags.json) printJson({ results });
  else process.stdout.write(`${results.map(formatProbeResult).join('\n\n')}\n`);
  return results.some((result) => isFinding(result.verdict)) ? EXIT.finding : EXIT.ok;
}
