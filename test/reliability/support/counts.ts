import { appendFileSync } from 'node:fs';

/**
 * Publishes the figures docs/RELIABILITY.md quotes: one line per fact on the console, and one JSON
 * line per fact appended to $RELIABILITY_COUNTS when it is set (how the doc's table is refreshed).
 */
export function reportCounts(fault: string, counts: Record<string, number>): void {
  const figures = Object.entries(counts)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  console.log(`[reliability] ${fault}: ${figures}`);
  const file = process.env.RELIABILITY_COUNTS;
  if (file) appendFileSync(file, `${JSON.stringify({ fault, ...counts })}\n`);
}
