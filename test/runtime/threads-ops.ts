/**
 * Shared by test/runtime/threads.test.ts and its child process: acoustic operators (spaceOrder 8)
 * on odd-sized 2D and 3D grids, started from a Gaussian pulse.
 */
import { createHash } from 'node:crypto';
import { Eq, Function, Grid, Operator, TimeFunction, solve } from '../../src/index.ts';

export const CASES = {
  '2d': [120, 97],
  '3d': [33, 29, 31],
} as const;
export type CaseName = keyof typeof CASES;
export const STEPS = 30;
export const DT = 0.2;

export interface AcousticCase {
  readonly op: Operator;
  readonly u: TimeFunction;
  readonly m: Function;
  /** Writes the initial state (pulse in time indices 0 and 1, zero in slot 2, m = 1). */
  reset(): void;
}

export function acousticCase(name: CaseName): AcousticCase {
  const shape = CASES[name];
  const grid = new Grid({ shape, extent: shape.map((n) => n - 1) });
  const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder: 8 });
  const m = new Function({ name: 'm', grid, spaceOrder: 8 });
  const op = new Operator([new Eq(u.forward, solve(m.mul(u.dt2).sub(u.laplace), u.forward))], { name: `threads_${name}` });

  const size = grid.size;
  const pulse = new Float32Array(size);
  const centre = shape.map((n) => (n - 1) / 2.3);
  const strides = shape.map((_, axis) => shape.slice(axis + 1).reduce((a, b) => a * b, 1));
  for (let flat = 0; flat < size; flat++) {
    let r2 = 0;
    shape.forEach((n, axis) => {
      const i = Math.floor(flat / strides[axis]!) % n;
      r2 += (i - centre[axis]!) ** 2;
    });
    pulse[flat] = Math.exp(-r2 / 8);
  }
  const initial = new Float32Array(3 * size);
  initial.set(pulse, 0);
  initial.set(pulse, size);
  return {
    op,
    u,
    m,
    reset(): void {
      u.data.raw.fill(0);
      u.data.assign(initial);
      m.data.fill(1);
    },
  };
}

/** Runs STEPS steps (t = 1 … STEPS) from the initial state; returns the reported thread count. */
export function runCase(c: AcousticCase, nthreads?: number): number {
  c.reset();
  const summary = c.op.apply({ timeMin: 1, timeMax: STEPS, dt: DT, ...(nthreads === undefined ? {} : { nthreads }) });
  return summary.nthreads;
}

/** The raw bytes of the whole allocation (halo included). */
export function rawBytes(c: AcousticCase): Uint8Array {
  const raw = c.u.data.raw;
  return new Uint8Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
