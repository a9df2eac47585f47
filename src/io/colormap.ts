import { InvalidArgumentError } from '../errors.ts';

/** Colour maps for images: a diverging one for wavefields and gradients, sequential ones for models. */
export type ColormapName = 'seismic' | 'gray' | 'viridis';

type Rgb = readonly [number, number, number];

// Evenly spaced anchors, linearly interpolated.
const ANCHORS: Record<ColormapName, readonly Rgb[]> = {
  // Dark blue → blue → white (at 0.5, i.e. the value 0 of a symmetric range) → red → dark red.
  seismic: [[0, 0, 77], [0, 0, 255], [255, 255, 255], [255, 0, 0], [128, 0, 0]],
  gray: [[0, 0, 0], [255, 255, 255]],
  // Perceptually uniform dark purple → teal → yellow, at eleven points of matplotlib's viridis.
  viridis: [
    [68, 1, 84], [72, 36, 117], [65, 68, 135], [53, 95, 141], [42, 120, 142], [33, 145, 140],
    [34, 168, 132], [68, 191, 112], [122, 209, 81], [189, 223, 38], [253, 231, 37],
  ],
};

/** Every colour map `colormap` knows. */
export const COLORMAP_NAMES: readonly ColormapName[] = Object.freeze(Object.keys(ANCHORS) as ColormapName[]);

/** A colour map by name → a function from t ∈ [0, 1] (clamped) to 8-bit RGB. */
export function colormap(name: ColormapName): (t: number) => Rgb {
  const anchors = ANCHORS[name];
  if (!anchors) throw new InvalidArgumentError(`colormap: unknown colour map ${JSON.stringify(name)}; use one of ${COLORMAP_NAMES.join(', ')}`);
  const segments = anchors.length - 1;
  return (t: number): Rgb => {
    const x = Math.min(Math.max(Number.isFinite(t) ? t : 0, 0), 1) * segments;
    const i = Math.min(Math.floor(x), segments - 1);
    const f = x - i;
    const a = anchors[i]!;
    const b = anchors[i + 1]!;
    return [Math.round(a[0] + f * (b[0] - a[0])), Math.round(a[1] + f * (b[1] - a[1])), Math.round(a[2] + f * (b[2] - a[2]))];
  };
}

/** The p-th percentile (0–100, linear interpolation) of the finite values of `values`. */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 100)) throw new InvalidArgumentError(`percentile: p must be in [0, 100], got ${p}`);
  // Plain loops: Float64Array.from with a callback and .filter cost ~10× more on figure-sized arrays.
  const finite = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) finite[n++] = v;
  }
  if (n === 0) return 0;
  const sorted = finite.subarray(0, n).sort();
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (rank - lo) * (sorted[hi]! - sorted[lo]!);
}
