import { performance } from 'node:perf_hooks';
import type { SimulatorMode } from '../lambda/simulator/vendor-simulator.ts';
import { startBenchVendor } from './bench-vendor.ts';
import { milliseconds, ratio } from './format.ts';
import type { SectionResult } from './section.ts';
import { sequentialTriage } from './sequential-triage.ts';
import { median } from './stats.ts';

/**
 * One probe cycle (checks concurrent, API retried once on failure) against the same simulator as
 * the seeds' triage run one request after another. `slow` is scaled down (600 ms answers, 400 ms
 * threshold) so the section stays short; the ratio is what matters.
 */
const SLOW = { slowMs: 600, latencyMsDegraded: 400 } as const;
const RUNS: readonly { mode: SimulatorMode; runs: number }[] = [
  { mode: 'healthy', runs: 15 },
  { mode: 'slow', runs: 3 },
  { mode: 'outage', runs: 3 },
];

export async function cycleTimeSection(): Promise<SectionResult> {
  const bench = await startBenchVendor(SLOW);
  try {
    const rows: string[][] = [];
    for (const { mode, runs } of RUNS) {
      bench.setMode(mode);
      const probeMs: number[] = [];
      const triageMs: number[] = [];
      for (let run = 0; run < runs; run++) {
        // Alternated, so neither side always runs on a warmer process.
        const started = performance.now();
        await bench.probe();
        probeMs.push(performance.now() - started);
        triageMs.push(await sequentialTriage(bench.vendor, bench.credential));
      }
      const probe = median(probeMs);
      const triage = median(triageMs);
      rows.push([mode, String(runs), milliseconds(probe), milliseconds(triage), ratio(triage / probe)]);
    }
    return {
      tables: [
        {
          title: '5. Cycle time: one probe cycle vs the seeds’ sequential triage, same simulator',
          columns: [
            'vendor mode',
            'runs',
            'probe cycle (median)',
            'sequential triage (median)',
            'triage ÷ probe',
          ],
          rows,
          notes: [
            'Probe: `probeVendor` as the probe Lambda runs it (status page, API, token, health endpoint concurrently; rate limit read from the API answer). Triage: the seeds’ five requests in order (status page, API, HEAD for rate-limit headers, token, health), with the same HTTP client, timeouts and body cap.',
            `slow: every API-host answer delayed ${SLOW.slowMs} ms (threshold ${SLOW.latencyMsDegraded} ms), so the triage pays it three times and the probe once.`,
            `outage: the probe waits ${bench.vendor.retryDelayMs} ms and retries the failed API call (that is how it tells a blip from an outage); the triage does not retry, so it is faster here and less sure.`,
            'Local round trips are about a millisecond; against a real vendor each request adds its own TLS handshake and latency, which the sequential triage pays five times over.',
          ],
        },
      ],
      goals: [],
      regressions: [],
    };
  } finally {
    await bench.close();
  }
}
