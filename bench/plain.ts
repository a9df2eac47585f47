// The baseline of the benchmark: the textbook acoustic update written out by hand as a plain
// OpenMP loop nest, one C text per spaceOrder, compiled with the project's own flags.
//
//   u[t+1] = 2 u[t] − u[t−1] + dt²/m · Σ_d Σ_k c_{d,k} u[t][.. ± k ..],   c_{d,k} = w_k / h_d²
//
// Each of the 3·(spaceOrder+1) stencil points is multiplied by its own coefficient (no grouping
// of symmetric weights, no shared centre term, no common-subexpression sharing); the coefficients
// w_k / h_d² are computed once per call, as anyone writing this by hand would. `parallel for
// schedule(static)` over x, `simd` over z, no blocking. Same memory layout as the generated
// kernel (halo spaceOrder/2 on every side, rows padded to 64 bytes, 3 rotating time slots indexed
// time % 3), so it runs on the very arrays of the Operator's fields.
import koffi from 'koffi';
import { finiteDifferenceWeights } from '../src/index.ts';
import { compileShared } from '../src/jit/compiler.ts';

export interface PlainKernel {
  readonly name: string;
  readonly source: string;
  /** gcc seconds (0 on a cache hit). */
  readonly compileSeconds: number;
  /** Operations per grid point and step as written (multiplies, adds, one divide). */
  readonly flopsPerPoint: number;
  /**
   * Runs time indices timeMin … timeMax (inclusive) on `u` (3 time slots) and `m`, both with
   * halo spaceOrder/2 and allocated shape `uShape` (time slots first); `rowExtent` is the used
   * part of a row (domain + 2 halos), the rest is padding. Returns the seconds spent in the loop
   * nests (omp_get_wtime per step).
   */
  run(u: Float32Array, m: Float32Array, uShape: readonly number[], rowExtent: number, timeMin: number, timeMax: number, dt: number, spacing: readonly number[], nthreads: number): number;
}

/** Shortest decimal text that rounds to the same float32, with the `F` suffix. */
function floatLiteral(value: number): string {
  const f = Math.fround(value);
  for (let digits = 1; digits <= 9; digits++) {
    const text = f.toPrecision(digits);
    if (Math.fround(Number(text)) === f) return `${/[.e]/.test(text) ? text : `${text}.0`}F`;
  }
  return `${f.toPrecision(9)}F`;
}

/** C source of the plain loop nest for `spaceOrder` (even). */
export function plainSource(spaceOrder: number): string {
  if (spaceOrder % 2 !== 0 || spaceOrder < 2) throw new Error(`plain: spaceOrder must be even and >= 2, got ${spaceOrder}`);
  const r = spaceOrder / 2;
  const offsets = Array.from({ length: 2 * r + 1 }, (_, i) => i - r);
  const weights = finiteDifferenceWeights(2, offsets, 0);
  const axes = ['x', 'y', 'z'] as const;
  const coefName = (axis: string, k: number): string => `c${axis}_${k < 0 ? `m${-k}` : `p${k}`}`;
  const coefficients = axes.flatMap((axis) =>
    offsets.map((k, i) => `  const float ${coefName(axis, k)} = ${floatLiteral(weights[i]!)} / (h_${axis} * h_${axis});`),
  );
  const index = (axis: string, k: number): string => axes.map((a) => (a === axis && k !== 0 ? `[${a} ${k < 0 ? '-' : '+'} ${Math.abs(k)}]` : `[${a}]`)).join('');
  const terms = axes.flatMap((axis) => offsets.map((k) => `${coefName(axis, k)} * u[t0]${index(axis, k)}`));
  const lines = terms.map((term, i) => `            ${i === 0 ? '  ' : '+ '}${term}`);
  const name = `plain_so${spaceOrder}`;
  return `/*
 * ${name}: hand-written baseline of the devito-ts benchmark (bench/plain.ts). Textbook update
 * u[t+1] = 2u[t] - u[t-1] + dt^2/m * sum_d sum_k w_k u[t][..+-k..] / h_d^2, every stencil point
 * with its own coefficient, parallel for over x, simd over z, no blocking.
 */
#include <omp.h>

#define R ${r}

int ${name}(float *restrict m_vec, float *restrict u_vec, const int px, const int py, const int pz, const int nz,
  const int time_m, const int time_M, const float dt, const float h_x, const float h_y, const float h_z,
  const int nthreads, double *restrict timers)
{
  float (*restrict m)[py][pz] = (float (*)[py][pz]) m_vec;
  float (*restrict u)[px][py][pz] = (float (*)[px][py][pz]) u_vec;
  const float dt2 = dt * dt;
${coefficients.join('\n')}

  for (int time = time_m; time <= time_M; time += 1)
  {
    const int tm1 = (time + 2) % 3;
    const int t0 = time % 3;
    const int t1 = (time + 1) % 3;
    const double start = omp_get_wtime();
    #pragma omp parallel for schedule(static) num_threads(nthreads)
    for (int x = R; x < px - R; x += 1)
    {
      for (int y = R; y < py - R; y += 1)
      {
        #pragma omp simd
        for (int z = R; z < nz - R; z += 1)
        {
          const float lap =
${lines.join('\n')};
          u[t1][x][y][z] = 2.0F * u[t0][x][y][z] - u[tm1][x][y][z] + dt2 * lap / m[x][y][z];
        }
      }
    }
    timers[0] += omp_get_wtime() - start;
  }
  return 0;
}
`;
}

/** Compiles (or finds in `cacheDir`) the plain loop nest for `spaceOrder`, with the default flags. */
export function loadPlain(spaceOrder: number, cacheDir: string): PlainKernel {
  const source = plainSource(spaceOrder);
  const name = `plain_so${spaceOrder}`;
  const library = compileShared(source, name, { cacheDir });
  const fn = koffi
    .load(library.path)
    .func(name, 'int', ['float *', 'float *', 'int', 'int', 'int', 'int', 'int', 'int', 'float', 'float', 'float', 'float', 'int', 'double *']) as (
    ...args: unknown[]
  ) => number;
  const points = 3 * (spaceOrder + 1);
  return {
    name,
    source,
    compileSeconds: library.compileSeconds,
    // points multiplies + (points − 1) adds for the Laplacian; 2·u[t] (1), − u[t−1] (1), dt²· (1), ÷m (1), + (1).
    flopsPerPoint: 2 * points - 1 + 5,
    run(u, m, uShape, rowExtent, timeMin, timeMax, dt, spacing, nthreads) {
      const [slots, px, py, pz] = uShape as [number, number, number, number];
      if (slots !== 3 || uShape.length !== 4) throw new Error(`plain: expected u with 3 time slots and 3 space axes, got shape ${uShape.join('×')}`);
      if (u.length !== 3 * px * py * pz || m.length !== px * py * pz) throw new Error('plain: u and m do not share the padded shape');
      const timers = new Float64Array(1);
      if (!(rowExtent <= pz)) throw new Error(`plain: row extent ${rowExtent} exceeds the allocated row ${pz}`);
      const status = fn(m, u, px, py, pz, rowExtent, timeMin, timeMax, dt, spacing[0], spacing[1], spacing[2], nthreads, timers);
      if (status !== 0) throw new Error(`plain: ${name} returned ${status}`);
      return timers[0]!;
    },
  };
}
