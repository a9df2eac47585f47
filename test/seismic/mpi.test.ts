import { describe, expect, it } from 'vitest';
import { runMpi } from '../support/mpirun.ts';

const program = (name: string): string => new URL(`./mpi-programs/${name}.ts`, import.meta.url).pathname;
const CORE = ['rec', 'u', 'srca', 'v', 'checkpointed'] as const;

describe('AcousticWaveSolver on a model split over MPI ranks', () => {
  // Sources and receivers sit on and beside the borders of the ranks' boxes.
  it.each([
    // 2D in basic mode on both: its C does not depend on the split, so 2 and 4 ranks share the
    // libraries (overlap mode in 2D is test/operator/mpi.test.ts's).
    [2, ['2:basic:full', '3:basic']],
    [4, ['2:basic:full', '3:overlap']],
  ])('on %i ranks: forward, adjoint and the checkpointed gradient (2D: also Born and the stored gradient) are bitwise those of one process', (np, cases) => {
    const run = runMpi(np, program('acoustic'), cases, 300_000);
    expect(run.timedOut, run.stderr).toBe(false);
    expect(run.status, run.stderr).toBe(0);
    const found = run.stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, number | boolean | string>);
    expect(found.map((r) => r.case)).toEqual(cases);
    for (const report of found) {
      const full = String(report.case).endsWith(':full');
      const keys = full ? [...CORE, 'born', 'gradient'] : CORE;
      for (const key of keys) expect(report[key], `${report.case}: ${key}`).toBe(true);
      if (full) expect(report.gradientVsCheckpointed, String(report.case)).toBe(true);
      // Non-trivial results: a field of zeros would compare equal too.
      for (const key of ['rec', 'v', 'checkpointed', ...(full ? ['born', 'gradient'] : [])]) expect(report[`${key}Norm`] as number, `${report.case}: ${key}`).toBeGreaterThan(1);
      // A few slots for the whole run: the split run recomputed (more forward steps than steps).
      expect(report.forwardSteps as number).toBeGreaterThan(report.steps as number);
    }
  }, 360_000);

  it('on 2 ranks: the TTI forward and gradient, the visco-acoustic and elastic forwards are bitwise those of one process', () => {
    const run = runMpi(2, program('other-physics'), [], 240_000);
    expect(run.timedOut, run.stderr).toBe(false);
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout.split('\n').find((line) => line.startsWith('{'))!) as Record<string, number | boolean>;
    for (const key of ['tti', 'ttiGradient', 'visco', 'elasticPressure', 'elasticVz']) {
      expect(report[key], key).toBe(true);
      expect(report[`${key}Norm`] as number, key).toBeGreaterThan(1);
    }
  }, 300_000);
});
