// The benchmarked problem, shared by bench/acoustic.ts and its cache-hit child process so both
// build byte-identical C (same text → same hash → same cached library).
import {
  AcousticWaveSolver, AcquisitionGeometry, Eq, Function, Grid, Operator, SeismicModel, TimeFunction, finiteDifferenceWeights, solve,
} from '../src/index.ts';

/** Physical set-up: Devito's seismic units (metres, milliseconds, km/s = m/ms). */
export const SPACING = 10; // m
export const VP = 1.5; // km/s
export const DT = 1; // ms

export interface AcousticProblem {
  readonly grid: Grid;
  readonly u: TimeFunction;
  readonly m: Function;
  readonly eq: Eq;
}

/**
 * `m·u.dt2 − Δu = 0` on an n³ float32 grid, timeOrder 2, solved for `u.forward`; `padding` false
 * gives the fields dense rows (no 64-byte row padding), to measure what the padding is worth.
 */
export function acousticProblem(size: number, spaceOrder: number, padding = true): AcousticProblem {
  const grid = new Grid({ shape: [size, size, size], extent: [0, 1, 2].map(() => (size - 1) * SPACING), dtype: 'float32' });
  const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder, padding });
  const m = new Function({ name: 'm', grid, spaceOrder, padding });
  const pde = m.mul(u.dt2).sub(u.laplace);
  return { grid, u, m, eq: new Eq(u.forward, solve(pde, u.forward)) };
}

export function operatorName(spaceOrder: number): string {
  return `acoustic_so${spaceOrder}`;
}

export function acousticOperator(problem: AcousticProblem, spaceOrder: number, cacheDir: string): Operator {
  return new Operator([problem.eq], { name: operatorName(spaceOrder), compiler: { cacheDir } });
}

/** Absorbing-layer points per side of the operator with source and receivers (bench:seismic's default). */
export const SPARSE_NBL = 20;

/**
 * The 3D spaceOrder-8 acoustic operator with a source and receivers, as a user gets it: the
 * seismic solver's forward operator (src/seismic/acoustic-solver.ts, `forwardEquations`: damped
 * update of u, Ricker source injected into u.forward, receivers interpolated from u), on a
 * padded grid of `size`³ points = (size − 2·SPARSE_NBL)³ physical + the absorbing layer, h = 10 m,
 * vp 1.5 km/s, one source at the centre 20 m deep and a line of receivers along x at 20 m depth.
 * Operator name `acoustic_forward`. The C depends on the padded grid shape only (fixed strides),
 * not on the receiver count or the number of time samples. Each call builds a new solver, so
 * `forwardOperator()` builds a new Operator (its `buildSeconds` is lowering + codegen, no gcc).
 */
export function sparseForwardOperator(size: number): Operator {
  const physical = size - 2 * SPARSE_NBL;
  if (physical < 2) throw new Error(`sparseForwardOperator: size ${size} leaves no physical points inside a ${SPARSE_NBL}-point absorbing layer`);
  const model = new SeismicModel({ vp: VP, shape: [physical, physical, physical], spacing: [SPACING, SPACING, SPACING], nbl: SPARSE_NBL, spaceOrder: 8, dtype: 'float32' });
  const side = (physical - 1) * SPACING;
  const geometry = new AcquisitionGeometry(model, {
    srcCoordinates: [[side / 2, side / 2, 20]],
    recCoordinates: Array.from({ length: physical }, (_, i) => [i * SPACING, side / 2, 20]),
    tn: 100,
    f0: 0.01,
  });
  return new AcousticWaveSolver(model, geometry, { spaceOrder: 8 }).forwardOperator();
}

/**
 * Largest stable dt of the leapfrog scheme with this spatial stencil: the Laplacian's symbol is
 * largest at the Nyquist wavenumber, |Σ_k w_k (−1)^k| / h² per axis, and leapfrog needs
 * dt² · vp² · λ_max ≤ 4.
 */
export function criticalDt(spaceOrder: number, ndim: number, spacing = SPACING, vp = VP): number {
  const radius = spaceOrder / 2;
  const points = Array.from({ length: 2 * radius + 1 }, (_, i) => i - radius);
  const weights = finiteDifferenceWeights(2, points, 0);
  const nyquist = Math.abs(weights.reduce((sum, w, i) => sum + w * (points[i]! % 2 === 0 ? 1 : -1), 0));
  const lambdaMax = (ndim * nyquist) / spacing ** 2;
  return 2 / (vp * Math.sqrt(lambdaMax));
}
