/**
 * Smooth, wavefield-like test arrays for the ZFP codec tests: Gaussian pulses and sums of sines
 * on 2D and 3D grids, and helpers to compare arrays independently of the codec's own measure.
 */

export type FloatArrayType = Float32Array | Float64Array;

/** A 2D or 3D array, row-major, of Gaussian pulses plus a few oblique sine waves (|values| ≲ 2). */
export function wavefield(dtype: 'float32' | 'float64', shape: readonly number[], seed = 1): FloatArrayType {
  const size = shape.reduce((a, b) => a * b, 1);
  const out = dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
  const [n0, n1, n2 = 1] = shape.length === 2 ? [shape[0], shape[1], 1] : shape;
  const pulses = [
    { c: [0.3, 0.4, 0.5], w: 0.01, a: 1 },
    { c: [0.7, 0.6, 0.3], w: 0.004, a: -0.6 },
  ];
  let at = 0;
  for (let i = 0; i < n0; i++) {
    const x = i / n0;
    for (let j = 0; j < n1; j++) {
      const y = j / n1;
      for (let k = 0; k < n2; k++) {
        const z = n2 > 1 ? k / n2 : 0.5;
        let v = 0.3 * Math.sin(2 * Math.PI * (3 * x + 2 * y + z) + seed) + 0.2 * Math.cos(2 * Math.PI * (5 * y - 2 * z) + 2 * seed);
        for (const p of pulses) {
          const r2 = (x - p.c[0]) ** 2 + (y - p.c[1]) ** 2 + (n2 > 1 ? (z - p.c[2]) ** 2 : 0);
          // A Ricker-like ring: what a wavefield looks like some time after a point source.
          v += p.a * (1 - r2 / p.w) * Math.exp(-r2 / p.w);
        }
        out[at++] = v;
      }
    }
  }
  return out;
}

/** Largest |a − b| (NaN never compares, so a NaN mismatch gives Infinity). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths ${a.length} and ${b.length} differ`);
  let peak = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= peak)) peak = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return peak;
}

/** Largest |a|. */
export function maxAbs(a: ArrayLike<number>): number {
  let peak = 0;
  for (let i = 0; i < a.length; i++) peak = Math.max(peak, Math.abs(a[i]));
  return peak;
}

/** The bytes of a typed array (a view, no copy). */
export function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
