import { InvalidArgumentError } from '../errors.ts';

/** How a sparse function's points meet the grid (`interpolation` option of SparseFunction / SparseTimeFunction). */
export type InterpolationKind = 'linear' | 'nearest' | 'sinc';

/**
 * The interpolation of a sparse function, validated: multilinear over the 2^d corners of the
 * point's cell, the one nearest grid point, or a Kaiser-windowed sinc over `2·radius` points
 * per axis (Hicks 2002). Injection uses the same weights (it is interpolation's transpose).
 */
export type SparseInterpolation =
  | { readonly kind: 'linear' }
  | { readonly kind: 'nearest' }
  | { readonly kind: 'sinc'; readonly radius: number };

/** Hicks' recommended radius (and Devito's usual choice): 4 points each side. */
export const DEFAULT_SINC_RADIUS = 4;

/**
 * Kaiser window parameter b for each radius r: Hicks (2002), "Arbitrary source and receiver
 * positioning in finite-difference schemes using Kaiser windowed sinc functions", Table 1
 * (the values Devito uses). Only these radii have a published b.
 */
const KAISER_B: ReadonlyMap<number, number> = new Map([
  [2, 2.94], [3, 4.53], [4, 4.14], [5, 5.26], [6, 6.40], [7, 7.51], [8, 8.56], [9, 9.56], [10, 10.64],
]);
const MIN_RADIUS = 2;
const MAX_RADIUS = 10;

/** The Kaiser window parameter b of a sinc radius (see KAISER_B). */
export function kaiserB(radius: number): number {
  const b = KAISER_B.get(radius);
  if (b === undefined) throw new Error(`internal: no Kaiser b for radius ${radius}`);
  return b;
}

/** I0(b) of a radius's window, the denominator of every weight (JavaScript's double, printed exactly into the C). */
export function kaiserNorm(radius: number): number {
  const b = kaiserB(radius);
  let [sum, term] = [1, 1];
  for (let k = 1; term > 1e-17 * sum; k++) sum += term *= (b / (2 * k)) ** 2;
  return sum;
}

/**
 * The grid points a point's stencil spans along one axis, relative to `idx` (the lower corner
 * of its cell): `first … first + count − 1`. Nearest picks one of idx and idx + 1.
 */
export function stencilSpan(interpolation: SparseInterpolation): { readonly first: number; readonly count: number } {
  switch (interpolation.kind) {
    case 'linear': case 'nearest': return { first: 0, count: 2 };
    case 'sinc': return { first: 1 - interpolation.radius, count: 2 * interpolation.radius };
  }
}

/** Options → a validated interpolation; throws InvalidArgumentError naming `owner` on a bad kind or radius. */
export function interpolationOf(
  options: { readonly interpolation?: unknown; readonly radius?: unknown },
  grid: { readonly shape: readonly number[] },
  owner: string,
): SparseInterpolation {
  const kind = options.interpolation ?? 'linear';
  const { radius } = options;
  if (kind === 'linear' || kind === 'nearest') {
    if (radius !== undefined) {
      throw new InvalidArgumentError(`${owner}: radius applies to interpolation 'sinc' only; remove it or use { interpolation: 'sinc', radius: ${String(radius)} }`);
    }
    return Object.freeze({ kind });
  }
  if (kind !== 'sinc') {
    throw new InvalidArgumentError(`${owner}: unknown interpolation ${JSON.stringify(kind)}; use 'linear', 'nearest' or 'sinc'`);
  }
  const r = radius ?? DEFAULT_SINC_RADIUS;
  if (typeof r !== 'number' || !Number.isInteger(r) || r < MIN_RADIUS || r > MAX_RADIUS) {
    throw new InvalidArgumentError(
      `${owner}: sinc radius must be an integer from ${MIN_RADIUS} to ${MAX_RADIUS} (the radii Hicks' Kaiser window is tabulated for), got ${String(r)}`,
    );
  }
  grid.shape.forEach((n, axis) => {
    if (2 * r > n) {
      throw new InvalidArgumentError(
        `${owner}: sinc radius ${r} spans ${2 * r} grid points along each axis, but axis ${axis} of the grid has ${n}; use radius <= ${Math.floor(n / 2)}`,
      );
    }
  });
  return Object.freeze({ kind, radius: r });
}
