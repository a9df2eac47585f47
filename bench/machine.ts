// Facts about the machine the benchmark ran on, for the report header.
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { compilerVersion, defaultCompiler } from '../src/jit/compiler.ts';

export interface MachineFacts {
  readonly cpuModel: string;
  readonly logicalCpus: number;
  readonly physicalCores: number;
  readonly availableCpus: number;
  readonly l3: string;
  readonly memoryGiB: number;
  readonly compiler: string;
  readonly node: string;
  readonly ompEnv: string;
}

function readText(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

export function machineFacts(): MachineFacts {
  const cpuinfo = readText('/proc/cpuinfo');
  const blocks = cpuinfo.split(/\n\s*\n/).filter((b) => /^processor\s*:/m.test(b));
  const field = (block: string, key: string): string | undefined => new RegExp(`^${key}\\s*:\\s*(.*)$`, 'm').exec(block)?.[1]?.trim();
  const first = blocks[0] ?? '';
  const name = field(first, 'model name') ?? 'unknown CPU';
  const family = field(first, 'cpu family');
  const model = field(first, 'model');
  const mhz = field(first, 'cpu MHz');
  const details = [family && `family ${family}`, model && `model ${model}`, mhz && `${Math.round(Number(mhz))} MHz`].filter(Boolean).join(', ');
  const cores = new Set(blocks.map((b) => `${field(b, 'physical id') ?? 0}:${field(b, 'core id') ?? field(b, 'processor')}`));
  const l3 = readText('/sys/devices/system/cpu/cpu0/cache/index3/size').trim();
  const omp = Object.entries(process.env)
    .filter(([key]) => key.startsWith('OMP_') || key.startsWith('GOMP_'))
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  return {
    cpuModel: details ? `${name} (${details})` : name,
    logicalCpus: blocks.length,
    physicalCores: cores.size,
    availableCpus: availableParallelism(),
    l3: l3 || 'unknown',
    memoryGiB: totalmem() / 2 ** 30,
    compiler: compilerVersion(defaultCompiler()),
    node: process.version,
    ompEnv: omp || '(none set)',
  };
}

/** Last-level cache size in bytes from a sysfs size string like "32768K", or undefined. */
export function cacheBytes(size: string): number | undefined {
  const match = /^(\d+)([KMG]?)$/i.exec(size);
  if (!match) return undefined;
  const unit = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 }[match[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(match[1]) * unit;
}

/** Jiffies since boot from /proc/stat: [total, idle + iowait], or undefined without it. */
export function cpuSample(): [number, number] | undefined {
  if (!existsSync('/proc/stat')) return undefined;
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return [fields.reduce((a, b) => a + b, 0), fields[3]! + (fields[4] ?? 0)];
}

/** USER_HZ, the unit of /proc/stat (100 on Linux everywhere that matters). */
const JIFFIES_PER_SECOND = 100;

/**
 * Share of all CPUs that other processes kept busy between two `cpuSample`s, given the CPU
 * seconds our own process (or child) used in between; undefined without /proc/stat.
 */
export function otherShare(before: [number, number] | undefined, after: [number, number] | undefined, ownCpuSeconds: number): number | undefined {
  if (!before || !after || after[0] === before[0]) return undefined;
  const total = after[0] - before[0];
  const busy = total - (after[1] - before[1]);
  return Math.max(0, busy - ownCpuSeconds * JIFFIES_PER_SECOND) / total;
}

/** Share of all CPUs busy (non-idle) over `seconds`, while this process sleeps; undefined without /proc/stat. */
export function otherCpuUse(seconds = 1): number | undefined {
  const before = cpuSample();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
  const after = cpuSample();
  if (!before || !after || after[0] === before[0]) return undefined;
  return 1 - (after[1] - before[1]) / (after[0] - before[0]);
}

export function busyText(share: number | undefined): string {
  if (share === undefined) return 'CPU use of other processes unknown (no /proc/stat)';
  const text = `${(100 * share).toFixed(0)}% of all CPUs busy with other processes over 1 s`;
  return share > 0.1 ? `${text}: WARNING, the machine is not quiet, figures will be low and noisy` : text;
}
