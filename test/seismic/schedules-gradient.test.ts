import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AcousticWaveSolver, AcquisitionGeometry, Revolver, SeismicModel } from '../../src/index.ts';
import { SCHEDULE_NAMES, type ScheduleName } from '../../src/revolve/index.ts';
import { bufferOf } from '../helpers.ts';
import { random, texturedVelocity } from './seismic-helpers.ts';

const directory = mkdtempSync(join(tmpdir(), 'devito-ts-schedules-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A small 2D float32 shot: the solver, a residual, and the full-history gradient to match. */
function shot() {
  const shape = [40, 32];
  const vp = texturedVelocity(shape, random(5));
  const model = new SeismicModel({ vp, shape, spacing: [10, 10], nbl: 8, spaceOrder: 4, dtype: 'float32' });
  const geometry = new AcquisitionGeometry(model, {
    srcCoordinates: [[196.5, 21.7]],
    recCoordinates: Array.from({ length: 7 }, (_, r) => [((r + 0.5) / 7) * 390, 28.4]),
    t0: 0,
    tn: 180,
    f0: 0.03,
  });
  const solver = new AcousticWaveSolver(model, geometry);
  const { rec: observed, u } = solver.forward({ save: true, nthreads: 1 });
  const residual = geometry.newRec('residual');
  residual.data.assign(observed.data.toArray().map((x, i) => x * Math.cos(0.21 * i)));
  return { solver, residual, reference: solver.gradient(residual, { u, nthreads: 1 }).grad };
}

describe('acoustic gradient under every schedule', () => {
  const { solver, residual, reference } = shot();
  const stepping = solver.gradientStepping({ nthreads: 1 });
  const n = stepping.nSteps;
  const run = (schedule: ScheduleName | 'auto', nCheckpoints: number, diskStates: number) => {
    const revolver = new Revolver({
      checkpoint: stepping.checkpoint,
      forward: stepping.forward,
      reverse: stepping.reverse,
      nTimesteps: n,
      nCheckpoints: schedule === 'none' ? n : nCheckpoints,
      // diskRevolve takes as many disk slots as useful (a smaller disk budget is refused).
      diskBudgetBytes: schedule === 'diskRevolve' ? Infinity : diskStates * stepping.checkpoint.nbytes,
      diskDirectory: directory,
      schedule,
    });
    try {
      stepping.startForward();
      revolver.applyForward();
      stepping.finishForward();
      stepping.startReverse(residual);
      revolver.applyReverse();
      return { grad: stepping.finishReverse(), revolver };
    } finally {
      revolver.close();
    }
  };

  for (const schedule of [...SCHEDULE_NAMES, 'auto'] as const) {
    for (const [c, disk] of [[2, 3], [5, 12]]) {
      it(`${schedule}, ${c} memory slots, ${disk} disk slots: bitwise the full-history gradient`, () => {
        const { grad, revolver } = run(schedule, c, disk);
        expect(bufferOf(grad).equals(bufferOf(reference))).toBe(true);
        expect(revolver.stats.reverseSteps).toBe(n);
        expect(revolver.stats.forwardSteps).toBe(revolver.plan.forwardSteps);
        if (schedule !== 'none' && schedule !== 'diskRevolve') expect(revolver.stats.peakSlots).toBeLessThanOrEqual(c + disk);
      });
    }
  }

  it('through the solver: gradient(residual, { checkpointing: { schedule, diskBudgetBytes } }) runs that schedule, bitwise', () => {
    const stateBytes = stepping.checkpoint.nbytes;
    for (const schedule of ['hrevolve', 'online'] as const) {
      const run = solver.forwardWithCheckpoints({
        nthreads: 1,
        checkpointing: { nCheckpoints: 3, schedule, diskBudgetBytes: 4 * stateBytes, diskDirectory: directory },
      });
      try {
        expect(run.plan.schedule).toBe(schedule);
        expect(run.plan.diskSlots).toBeGreaterThan(0);
        const { grad, revolver } = run.gradient(residual);
        expect(revolver!.reverseSteps).toBe(n);
        expect(revolver!.forwardSteps).toBe(run.plan.forwardSteps);
        expect(bufferOf(grad).equals(bufferOf(reference))).toBe(true);
      } finally {
        run.release();
      }
    }
  });
});

