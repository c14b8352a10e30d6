/** Order statistics and a seeded PRNG: every random figure in the bench replays identically. */

function sorted(values: readonly number[]): number[] {
  if (values.length === 0) throw new RangeError('no values to summarise');
  return [...values].sort((a, b) => a - b);
}

/** Nearest-rank percentile (p in 0..100): a value that was actually observed, never interpolated. */
export function percentile(values: readonly number[], p: number): number {
  const ordered = sorted(values);
  const rank = Math.max(1, Math.ceil((p / 100) * ordered.length));
  return ordered[Math.min(rank, ordered.length) - 1]!;
}

export function median(values: readonly number[]): number {
  const ordered = sorted(values);
  const middle = Math.floor(ordered.length / 2);
  return ordered.length % 2 === 1 ? ordered[middle]! : (ordered[middle - 1]! + ordered[middle]!) / 2;
}
