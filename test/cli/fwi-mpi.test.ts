import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFwiGradient, type FwiGradientResult } from '../../src/cli/fwi/job.ts';
import { runFwi } from '../../src/cli/fwi/inversion-job.ts';
import { InvalidArgumentError } from '../../src/errors.ts';
import { runMpi } from '../support/mpirun.ts';
import { TINY_FWI, TINY_JOB } from './mpi-programs/tiny-job.ts';

const PROGRAM = new URL('./mpi-programs/fwi-gradient.ts', import.meta.url).pathname;
const FWI_PROGRAM = new URL('./mpi-programs/fwi.ts', import.meta.url).pathname;
/** Counters that do not depend on the clock: equal when the shot ran with the same checkpoint plan. */
const COUNTERS = ['forwardSteps', 'reverseSteps', 'saves', 'restores', 'peakSlots', 'peakCheckpointBytes'] as const;

interface Summary {
  objective: number;
  shots: number;
  mpi?: { ranks: number; ranksPerShot: number; shotGroups: number };
  revolverPerShot: Record<string, number>[];
}

const scratch = mkdtempSync(join(tmpdir(), 'devito-ts-fwi-mpi-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('fwi-gradient with its shots over MPI ranks (--ranks-per-shot)', () => {
  let reference: FwiGradientResult;
  const referenceOut = join(scratch, 'one-process');
  beforeAll(() => {
    // Not under mpirun: the vitest process is one process, the run every MPI run must reproduce.
    reference = runFwiGradient({ ...TINY_JOB, out: referenceOut, log: () => {} });
  });

  // Shot groups of whole models (2 × 1), and groups of split models (4 = 2 groups × 2).
  it.each([
    [2, 1],
    [4, 2],
  ])('on %i ranks, %i per shot: gradient.npy and the objective are bitwise one process\'s; rank 0 alone logs', (np, ranksPerShot) => {
    const out = join(scratch, `np${np}-r${ranksPerShot}`);
    const run = runMpi(np, PROGRAM, [out, String(ranksPerShot)], 120_000);
    expect(run.timedOut, run.stderr).toBe(false);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.match(/^objective /gm)).toHaveLength(1);
    expect(run.stdout.match(/misfit ½‖d_pred − d_obs‖² = /g)).toHaveLength(TINY_JOB.shots);

    expect(readFileSync(join(out, 'gradient.npy')).equals(readFileSync(join(referenceOut, 'gradient.npy')))).toBe(true);
    expect(readFileSync(join(out, 'shot_record.npy')).equals(readFileSync(join(referenceOut, 'shot_record.npy')))).toBe(true);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    const one = JSON.parse(readFileSync(join(referenceOut, 'summary.json'), 'utf8')) as Summary;
    expect(Object.is(summary.objective, reference.objective)).toBe(true);
    expect(summary.objective).toBe(one.objective);
    expect(summary.mpi).toEqual({ ranks: np, ranksPerShot, shotGroups: np / ranksPerShot });
    expect(one.mpi).toBeUndefined();
    // Every shot's counters, gathered from the group that ran it. A whole model per rank has one
    // process's checkpoint plan; a split model's smaller state fits more slots in the same budget.
    expect(summary.revolverPerShot).toHaveLength(TINY_JOB.shots);
    for (const [shot, stats] of summary.revolverPerShot.entries()) {
      expect(stats.reverseSteps).toBe(one.revolverPerShot[shot]!.reverseSteps);
      if (ranksPerShot === 1) for (const key of COUNTERS) expect(stats[key], `shot ${shot}: ${key}`).toBe(one.revolverPerShot[shot]![key]);
      else expect(stats.forwardSteps).toBeLessThan(one.revolverPerShot[shot]!.forwardSteps);
    }
  }, 150_000);

  it('--ranks-per-shot that does not divide the ranks: a clear error on every rank, before any work', () => {
    const out = join(scratch, 'np2-r3');
    const run = runMpi(2, PROGRAM, [out, '3'], 60_000);
    expect(run.timedOut, run.stderr).toBe(false);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('--ranks-per-shot 3 must divide the number of MPI ranks (2)');
    expect(run.stdout).not.toMatch(/^model /m);
    expect(() => runFwiGradient({ ...TINY_JOB, out, ranksPerShot: 2, log: () => {} })).toThrow(InvalidArgumentError);
    expect(() => runFwiGradient({ ...TINY_JOB, out, ranksPerShot: 2, log: () => {} })).toThrow('must divide the number of MPI ranks (1: not running under mpirun)');
  }, 90_000);
});

describe('fwi (the inversion job) with its shots over MPI ranks', () => {
  const one = join(scratch, 'fwi-one-process');
  beforeAll(() => {
    runFwi({ ...TINY_FWI, out: one, log: () => {} });
  });
  const misfits = (dir: string): unknown => (JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { misfit: number[] }).misfit;

  it.each([
    [2, 1],
  ])('on %i ranks, %i per shot: every array written and the misfits are bitwise one process\'s; rank 0 alone logs', (np, ranksPerShot) => {
    const out = join(scratch, `fwi-np${np}-r${ranksPerShot}`);
    const run = runMpi(np, FWI_PROGRAM, [out, String(ranksPerShot)], 120_000);
    expect(run.timedOut, run.stderr).toBe(false);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.match(/^misfit /gm)).toHaveLength(1);
    expect(run.stdout).toContain(`${np} ranks: ${np / ranksPerShot} shot group`);
    for (const file of ['rtm.npy', 'gradient.npy', 'vp_iteration_1.npy']) expect(readFileSync(join(out, file)).equals(readFileSync(join(one, file))), file).toBe(true);
    expect(misfits(out)).toEqual(misfits(one));
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    expect(summary.mpi).toEqual({ ranks: np, ranksPerShot, shotGroups: np / ranksPerShot });
  }, 150_000);
});
