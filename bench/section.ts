import type { Table } from './table.ts';

/** A figure the issue sets a target for, and whether this run meets it. */
export interface Goal {
  name: string;
  target: string;
  measured: string;
  met: boolean;
}

/**
 * What a bench section hands back. Goals may be missed (that is a finding, not a failure);
 * regressions are broken invariants of the code and make the run exit non-zero.
 */
export interface SectionResult {
  tables: Table[];
  goals: Goal[];
  regressions: string[];
}
