/** Least-squares slope of log(error) against log(h): the observed order of convergence. */
export function convergenceOrder(h: readonly number[], error: readonly number[]): number {
  const x = h.map(Math.log);
  const y = error.map(Math.log);
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  return sxy / sxx;
}

/** Largest absolute entry of a − b. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

export function maxAbs(a: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]!));
  return max;
}

/** The bytes of a typed array as a Buffer view (no copy), for bitwise comparisons with `.equals`. */
export function bufferOf(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** Fills `raw` with deterministic values in [offset, offset + 1) from a linear congruential sequence started at `seed`. */
export function fillSeeded(raw: { length: number; [index: number]: number }, seed: number, offset = -0.5): void {
  let state = seed;
  for (let i = 0; i < raw.length; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    raw[i] = state / 2 ** 31 + offset;
  }
}
