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

/** mulberry32: small, fast and good enough for sampling onsets and transient failures. */
export function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
