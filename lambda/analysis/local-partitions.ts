import { type Dirent, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseResultKey } from '../core/storage-layout.ts';

/** One `results/vendor=<id>/date=YYYY-MM-DD/hour=HH/` directory of a local data directory. */
export interface HourPartition {
  vendor: string;
  date: string;
  hour: string;
  /** `vendor=<id>/date=…/hour=HH`, relative to `results/`. */
  path: string;
  /**
   * Changes whenever a result file is added to or removed from the directory (its mtime and inode).
   * `null` while the directory changed too recently to trust that: mtime ticks are coarse, so a
   * file added in the same tick as the stamp was taken would otherwise go unnoticed.
   */
  stamp: string | null;
}

/** A directory whose mtime is at least this old cannot change within the tick it shows. */
const SETTLED_MS = 2_000;

const subdirectories = (dir: string, pattern: RegExp): { name: string; value: string }[] => {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries.flatMap((entry) => {
    const match = entry.isDirectory() ? pattern.exec(entry.name) : null;
    return match ? [{ name: entry.name, value: match[1]! }] : [];
  });
};

/**
 * Every hour partition under `<dataDir>/results/`, with a stamp that tells whether it changed.
 * Synchronous on purpose: thousands of small stat calls finish faster in one thread than through
 * the libuv pool, and nothing else runs while a CLI command scans.
 */
export function listHourPartitions(dataDir: string, now = Date.now()): HourPartition[] {
  const results = join(dataDir, 'results');
  const partitions: HourPartition[] = [];
  for (const vendor of subdirectories(results, /^vendor=(.+)$/)) {
    for (const date of subdirectories(join(results, vendor.name), /^date=(\d{4}-\d{2}-\d{2})$/)) {
      for (const hour of subdirectories(join(results, vendor.name, date.name), /^hour=(\d{2})$/)) {
        const path = `${vendor.name}/${date.name}/${hour.name}`;
        const stat = statSync(join(results, path), { bigint: true });
        const settled = now - Number(stat.mtimeMs) >= SETTLED_MS;
        partitions.push({
          vendor: vendor.value,
          date: date.value,
          hour: hour.value,
          path,
          stamp: settled ? `${stat.mtimeNs}:${stat.ino}` : null,
        });
      }
    }
  }
  return partitions;
}

/** The result files of one partition (absolute paths), skipping temporary and foreign files. */
export function resultFilesOf(dataDir: string, partition: HourPartition): string[] {
  const dir = join(dataDir, 'results', partition.path);
  return readdirSync(dir)
    .filter((name) => parseResultKey(`results/${partition.path}/${name}`) !== null)
    .sort()
    .map((name) => join(dir, name));
}
