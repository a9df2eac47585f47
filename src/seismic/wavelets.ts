import { InvalidArgumentError } from '../errors.ts';

/** Shape options shared by the wavelets. */
export interface WaveletOptions {
  /** Time of the wavelet's centre (ms); default 1/f0 (one period), so it starts near zero. */
  readonly delay?: number;
  /** Peak amplitude (default 1). */
  readonly amplitude?: number;
}

function check(f0: number, what: string): void {
  if (!(Number.isFinite(f0) && f0 > 0)) throw new InvalidArgumentError(`${what}: f0 must be a positive peak frequency in kHz (e.g. 0.010 for 10 Hz), got ${f0}`);
}

/**
 * Sample times (ms) and peak frequency f0 (kHz) → the Ricker wavelet (second derivative of a
 * Gaussian, as Devito's RickerSource): a·(1 − 2r²)·exp(−r²) with r = π·f0·(t − delay).
 */
export function ricker(time: ArrayLike<number>, f0: number, options: WaveletOptions = {}): Float64Array {
  check(f0, 'ricker');
  const delay = options.delay ?? 1 / f0;
  const amplitude = options.amplitude ?? 1;
  const out = new Float64Array(time.length);
  for (let i = 0; i < time.length; i++) {
    const r = Math.PI * f0 * (time[i]! - delay);
    out[i] = amplitude * (1 - 2 * r * r) * Math.exp(-r * r);
  }
  return out;
}

/**
 * Sample times (ms) and peak frequency f0 (kHz) → a Gabor wavelet (Gaussian-windowed cosine, as
 * Devito's GaborSource): a·exp(−2s²)·cos(2πs) with s = f0·(t − delay)/2, default delay 3/f0.
 */
export function gabor(time: ArrayLike<number>, f0: number, options: WaveletOptions = {}): Float64Array {
  check(f0, 'gabor');
  const agauss = 0.5 * f0;
  const delay = options.delay ?? 1.5 / agauss;
  const amplitude = options.amplitude ?? 1;
  const out = new Float64Array(time.length);
  for (let i = 0; i < time.length; i++) {
    const s = (time[i]! - delay) * agauss;
    out[i] = amplitude * Math.exp(-2 * s * s) * Math.cos(2 * Math.PI * s);
  }
  return out;
}
