import { cpus, platform, release, totalmem } from 'node:os';
import type { Table } from './table.ts';

/** Figures mean little without the machine that produced them. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  date: string;
}

export function describeMachine(now: Date = new Date()): Machine {
  const processors = cpus();
  return {
    cpu: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${platform()} ${release()}`,
    date: now.toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

export function machineTable(machine: Machine): Table {
  return {
    title: 'Machine',
    columns: ['CPU', 'cores', 'memory', 'Node.js', 'OS', 'run at (UTC)'],
    rows: [
      [
        machine.cpu,
        String(machine.cores),
        `${machine.memoryGiB} GiB`,
        machine.node,
        machine.os,
        machine.date,
      ],
    ],
  };
}
