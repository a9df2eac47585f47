import { AcousticWaveSolver, AcquisitionGeometry, SeismicModel, type Dtype, type FloatArray } from '../../src/index.ts';

/** Deterministic pseudo-random numbers in [-1, 1). */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  };
}

/** `length` random numbers in [-1, 1), as the typed array of `dtype`. */
export function randomArray(rand: () => number, length: number, dtype: Dtype = 'float64'): FloatArray {
  const values = Float64Array.from({ length }, () => rand());
  return dtype === 'float32' ? Float32Array.from(values) : values;
}

/** Σ aᵢ·bᵢ in float64. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`dot: lengths ${a.length} and ${b.length} differ`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** |⟨a, b⟩ − ⟨c, d⟩| / |⟨a, b⟩|: the dot-test residual. */
export function dotTestResidual(a: ArrayLike<number>, b: ArrayLike<number>, c: ArrayLike<number>, d: ArrayLike<number>): { lhs: number; rhs: number; residual: number } {
  const lhs = dot(a, b);
  const rhs = dot(c, d);
  return { lhs, rhs, residual: Math.abs(lhs - rhs) / Math.abs(lhs) };
}

/** A velocity (km/s) varying smoothly with depth plus a random ±10% texture, row-major over `shape`. */
export function texturedVelocity(shape: readonly number[], rand: () => number): Float64Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const depthAxis = shape.length - 1;
  const nz = shape[depthAxis]!;
  return Float64Array.from({ length: size }, (_, k) => (1.5 + (1.0 * (k % nz)) / nz) * (1 + 0.1 * rand()));
}

/**
 * Thread count for these small grids: one thread is as fast as two on 60 × 50 points, and it is
 * immune to oversubscription (when another process holds a core, an OpenMP thread waiting at the
 * end of every loop nest loses a time slice per time step, which slows a run down a hundredfold).
 */
export const THREADS = { nthreads: 1 } as const;

/**
 * A heterogeneous model with a 10-point absorbing layer, two sources and seven receivers off
 * the grid (no coordinate is a multiple of the 10 m spacing).
 */
export function dotTestSolver(ndim: 2 | 3, spaceOrder: number, dtype: Dtype, seed = 1): AcousticWaveSolver {
  const shape = ndim === 2 ? [61, 51] : [25, 23, 21];
  const spacing = shape.map(() => 10);
  const rand = random(seed);
  const model = new SeismicModel({ vp: texturedVelocity(shape, rand), shape, spacing, nbl: 10, spaceOrder, dtype });
  const extent = shape.map((n) => (n - 1) * 10);
  const srcCoordinates = [0.43, 0.61].map((f) => extent.map((e, d) => (d === ndim - 1 ? 23.7 : e * f + 3.3)));
  const recCoordinates = Array.from({ length: 7 }, (_, i) => extent.map((e, d) => (d === ndim - 1 ? 31.3 + 4.1 * i : e * (0.07 + 0.13 * i) + 1.7)));
  const geometry = new AcquisitionGeometry(model, { srcCoordinates, recCoordinates, t0: 0, tn: 300, f0: 0.015 });
  return new AcousticWaveSolver(model, geometry, { spaceOrder });
}

/** A layered-looking heterogeneous model with a 10-point layer; one source, eleven receivers, off the grid. */
export function linearSolver(ndim: 2 | 3, spaceOrder: number, dtype: Dtype): AcousticWaveSolver {
  const shape = ndim === 2 ? [61, 51] : [25, 23, 21];
  const rand = random(3);
  const model = new SeismicModel({ vp: texturedVelocity(shape, rand), shape, spacing: shape.map(() => 10), nbl: 10, spaceOrder, dtype });
  const extent = shape.map((n) => (n - 1) * 10);
  const srcCoordinates = [extent.map((e, d) => (d === ndim - 1 ? 23.1 : e * 0.5 + 3.3))];
  const recCoordinates = Array.from({ length: 11 }, (_, i) => extent.map((e, d) => (d === ndim - 1 ? 31.3 : e * (0.02 + 0.09 * i) + 1.7)));
  const geometry = new AcquisitionGeometry(model, { srcCoordinates, recCoordinates, tn: 400, f0: 0.015 });
  return new AcousticWaveSolver(model, geometry, { spaceOrder });
}

/** A float32 solver on a textured model with its absorbing layer, and a residual to back-propagate. */
export function gradientCase(ndim: 2 | 3) {
  const shape = ndim === 2 ? [48, 36] : [22, 20, 18];
  const spacing = shape.map(() => 10);
  const rand = random(ndim * 17);
  const vp = texturedVelocity(shape, rand);
  const model = new SeismicModel({ vp, shape, spacing, nbl: ndim === 2 ? 10 : 6, spaceOrder: ndim === 2 ? 8 : 4, dtype: 'float32' });
  const extent = shape.map((n) => (n - 1) * 10);
  const src = [extent.map((e, d) => (d === ndim - 1 ? 23.3 : e / 2 + 3.7))];
  const rec = Array.from({ length: 9 }, (_, r) => extent.map((e, d) => (d === ndim - 1 ? 31.1 : ((r + 0.5) / 9) * e)));
  const geometry = new AcquisitionGeometry(model, { srcCoordinates: src, recCoordinates: rec, t0: 0, tn: ndim === 2 ? 240 : 150, f0: 0.025 });
  const solver = new AcousticWaveSolver(model, geometry);
  const { rec: observed, u } = solver.forward({ save: true, ...THREADS });
  const residual = geometry.newRec('residual');
  residual.data.assign(observed.data.toArray().map((x, i) => x * (1 + 0.5 * Math.sin(0.37 * i))));
  const { grad } = solver.gradient(residual, { u, ...THREADS });
  return { solver, geometry, residual, reference: grad, observed: observed.data.toArray() };
}
