import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectives, MpiError, SELF } from '../../src/dsl/parallel.ts';
import { ShapeError } from '../../src/errors.ts';
import '../../src/runtime/library.ts';
import { mpiCollectives, underMpirun } from '../../src/runtime/mpi.ts';
import { runMpi } from '../support/mpirun.ts';
import { concatenation, VALUE } from './mpi-values.ts';

const program = (name: string): string => new URL(`./mpi-programs/${name}.ts`, import.meta.url).pathname;
const mpiLoaded = (): boolean => /libmpi\.so/.test(readFileSync('/proc/self/maps', 'utf8'));

interface RankReport {
  rank: number;
  size: number;
  handle: number;
  frozen: boolean;
  loadedAtImport: boolean;
  loadedAfter: boolean;
  f32: number[];
  f64: number[];
  i32: number[];
  broadcastF64: number[];
  broadcastI32: number[];
  sum: number[];
  min: number[];
  max: number[];
  group: { rank: number; size: number; handle: number; members: number[] };
}

describe('runtime/mpi outside mpirun', () => {
  it('the runtime installs the MPI collectives, and world() is SELF without loading libmpi', () => {
    expect(underMpirun()).toBe(false);
    expect(collectives()).toBe(mpiCollectives);
    expect(collectives().world()).toEqual({ rank: 0, size: 1, handle: -1 });
    expect(collectives().world()).toBe(SELF);
    expect(mpiLoaded()).toBe(false);
  });

  it('collectives over SELF give the one-process results, as copies', () => {
    const mpi = collectives();
    const send = Float32Array.of(1.5, -2);
    const gathered = mpi.allgatherv(SELF, send, [2]);
    expect(gathered).toBeInstanceOf(Float32Array);
    expect([...gathered]).toEqual([1.5, -2]);
    expect(gathered).not.toBe(send);
    expect([...mpi.allgatherv(SELF, Int32Array.of(7), [1])]).toEqual([7]);
    const values = Float64Array.of(3, -4);
    const reduced = mpi.allreduce(SELF, values, 'max');
    expect([...reduced]).toEqual([3, -4]);
    expect(reduced).not.toBe(values);
    const buffer = Float64Array.of(9);
    mpi.broadcast(SELF, buffer, 0);
    expect([...buffer]).toEqual([9]);
    expect(mpi.split(SELF, 0, 0)).toEqual(SELF);
    mpi.barrier(SELF);
    expect(mpiLoaded()).toBe(false);
  });

  it('rejects counts that do not match the communicator or the array, before any MPI call', () => {
    const mpi = collectives();
    expect(() => mpi.allgatherv(SELF, Float64Array.of(1, 2), [1])).toThrow(ShapeError);
    expect(() => mpi.allgatherv(SELF, Float64Array.of(1), [1, 1])).toThrow(/one per rank/);
    expect(() => mpi.broadcast(SELF, Float64Array.of(1), 1)).toThrow(/root 1/);
    expect(() => mpi.split(SELF, -1, 0)).toThrow(/color -1/);
  });

  it('a communicator from MPI used outside mpirun is an MpiError saying what to do', () => {
    const foreign = { rank: 0, size: 1, handle: 0 };
    expect(() => collectives().barrier(foreign)).toThrow(MpiError);
    expect(() => collectives().barrier(foreign)).toThrow(/mpirun/);
  });
});

describe('runtime/mpi under mpirun', () => {
  it.each([2, 4])('np %i: allgatherv, broadcast, allreduce and split give the exact numbers on every rank', (np) => {
    const run = runMpi(np, program('collectives'));
    expect(run.timedOut).toBe(false);
    expect(run.status, run.stderr).toBe(0);
    const reports = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as RankReport);
    expect(reports.map((r) => r.rank).sort()).toEqual(Array.from({ length: np }, (_, r) => r));

    const f32 = concatenation(VALUE.f32, np);
    const f64 = concatenation(VALUE.f64, np);
    const i32 = concatenation(VALUE.i32, np);
    const ranks = Array.from({ length: np }, (_, r) => r);
    for (const report of reports) {
      expect(report.size).toBe(np);
      expect(report.handle).toBeGreaterThanOrEqual(0);
      expect(report.frozen).toBe(true);
      // Installing the collectives loaded nothing; the first call did.
      expect(report.loadedAtImport).toBe(false);
      expect(report.loadedAfter).toBe(true);
      expect(report.f32).toEqual(f32);
      expect(report.f64).toEqual(f64);
      expect(report.i32).toEqual(i32);
      expect(report.broadcastF64).toEqual([Math.PI, -1e300, 5e-324]);
      expect(report.broadcastI32).toEqual([-2147483648, 2147483647]);
      expect(report.sum).toEqual([np * (np + 1) / 2, -2.5 * np * (np - 1) / 2, 1e10 + ranks.filter((r) => r !== 1).reduce((a, b) => a + b, 0)]);
      expect(report.min).toEqual([1, -2.5 * (np - 1), 0]);
      expect(report.max).toEqual([np, 0, 1e10]);
      // Groups by parity, ranked by key −rank: the highest world rank of the group comes first.
      const members = ranks.filter((r) => r % 2 === report.rank % 2).reverse();
      expect(report.group.size).toBe(members.length);
      expect(report.group.rank).toBe(members.indexOf(report.rank));
      expect(report.group.members).toEqual(members);
      expect(report.group.handle).not.toBe(report.handle);
    }
  });

  it.each([
    ['throw', 1, /Uncaught Error: rank 1 fails/],
    ['exit', 3, /rank 1 exits with status 3/],
    // OpenMPI's own MPI_ABORT notice is sometimes replaced by an internal ORTE_ERROR_LOG line.
    ['abort', 4, /MPI_ABORT|ORTE_ERROR_LOG/],
    ['throw-before-mpi', 1, /rank 1 fails before MPI/],
  ] as const)('a rank that dies (%s) while the others wait in a barrier ends the job with an error, not a hang', (how, status, message) => {
    const start = performance.now();
    const run = runMpi(3, program('rank-dies'), [how], 30_000);
    expect(run.timedOut).toBe(false);
    expect(run.status).toBe(status);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).not.toMatch(/passed a barrier/);
    expect(performance.now() - start).toBeLessThan(20_000);
  });
});
