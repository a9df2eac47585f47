import { existsSync, readFileSync, statSync } from 'node:fs';
import { InvalidArgumentError, ShapeError } from '../../errors.ts';
import { readNpy } from '../../io/npy.ts';
import { checkVelocityKms } from '../../seismic/model.ts';
import { saltBodyVelocity } from '../../seismic/presets.ts';

/** A 2D velocity model: vp (km/s) row-major `[nx, nz]` (depth fastest), spacing in metres. */
export interface VelocityModel {
  readonly vp: Float32Array;
  readonly shape: readonly [number, number];
  readonly spacing: readonly [number, number];
  readonly origin: readonly [number, number];
}

/**
 * The built-in "true" model: the salt-body preset (four layers, 1.5 → 3.0 km/s, with a gently
 * dipping interface and an elliptic 4.5 km/s salt body; see `saltBodyVelocity`), in float32.
 */
export function saltModel(nx: number, nz: number, spacing = 10): VelocityModel {
  const vp = Float32Array.from(saltBodyVelocity([nx, nz], [spacing, spacing]));
  return { vp, shape: [nx, nz], spacing: [spacing, spacing], origin: [0, 0] };
}

/**
 * Gaussian blur of the model (standard deviation `sigma` points, separable, edges clamped) but
 * with the water layer kept: FWI's starting model knows the trends, not the interfaces.
 */
export function smoothModel(model: VelocityModel, sigma: number): VelocityModel {
  const [nx, nz] = model.shape;
  const smooth = gaussianBlur(model.vp, model.shape, sigma);
  const top = model.vp[0]!;
  for (let i = 0; i < nx; i++) for (let j = 0; j < nz && model.vp[i * nz + j] === top; j++) smooth[i * nz + j] = top;
  return { ...model, vp: smooth };
}

/** Separable Gaussian blur of a [nx, nz] array (standard deviation `sigma` points, edges clamped). */
export function gaussianBlur(vp: Float32Array, shape: readonly [number, number], sigma: number): Float32Array {
  const [nx, nz] = shape;
  const radius = Math.ceil(3 * sigma);
  const kernel = Array.from({ length: 2 * radius + 1 }, (_, k) => Math.exp(-((k - radius) ** 2) / (2 * sigma * sigma)));
  const total = kernel.reduce((a, b) => a + b, 0);
  const pass = (input: Float32Array, alongX: boolean): Float32Array => {
    const out = new Float32Array(input.length);
    for (let i = 0; i < nx; i++) for (let j = 0; j < nz; j++) {
      let sum = 0;
      for (let k = -radius; k <= radius; k++) {
        const ii = alongX ? Math.min(nx - 1, Math.max(0, i + k)) : i;
        const jj = alongX ? j : Math.min(nz - 1, Math.max(0, j + k));
        sum += kernel[k + radius]! * input[ii * nz + jj]!;
      }
      out[i * nz + j] = sum / total;
    }
    return out;
  };
  return pass(pass(vp, true), false);
}

interface RawHeader {
  shape?: unknown;
  spacing?: unknown;
  origin?: unknown;
}

function pair(value: unknown, what: string, path: string): [number, number] {
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0)) {
    throw new InvalidArgumentError(`${path}: "${what}" must be two positive numbers [x, z], got ${JSON.stringify(value)}`);
  }
  return [value[0] as number, value[1] as number];
}

/**
 * Reads a 2D velocity model (km/s): NumPy `.npy` (shape [nx, nz], float32/float64; spacing from
 * `spacing`), or raw little-endian float32 with a JSON header beside it (`file.json`:
 * `{ "shape": [nx, nz], "spacing": [dx, dz], "origin"?: [x0, z0] }`).
 */
export function readVelocityModel(path: string, spacing: number): VelocityModel {
  if (!existsSync(path)) throw new InvalidArgumentError(`--model: no such file ${path}`);
  let vp: Float32Array;
  let shape: [number, number];
  let grid: [number, number] = [spacing, spacing];
  let origin: [number, number] = [0, 0];
  if (path.endsWith('.npy')) {
    const array = readNpy(path);
    if (array.shape.length !== 2) throw new ShapeError(`${path}: expected a 2D array [nx, nz], got shape [${array.shape.join(', ')}]`);
    shape = [array.shape[0]!, array.shape[1]!];
    vp = Float32Array.from(array.data);
  } else {
    const headerPath = path.replace(/\.[^./]*$/, '') + '.json';
    const candidates = [`${path}.json`, headerPath];
    const found = candidates.find((p) => existsSync(p));
    if (!found) throw new InvalidArgumentError(`${path}: a raw float32 model needs a JSON header ${candidates.join(' or ')} with { "shape": [nx, nz], "spacing": [dx, dz] }`);
    let header: RawHeader;
    try {
      header = JSON.parse(readFileSync(found, 'utf8')) as RawHeader;
    } catch (error) {
      throw new InvalidArgumentError(`${found}: not valid JSON (${(error as Error).message})`);
    }
    shape = pair(header.shape, 'shape', found).map(Math.round) as [number, number];
    grid = pair(header.spacing, 'spacing', found);
    if (header.origin !== undefined) origin = pair(header.origin, 'origin', found);
    const bytes = statSync(path).size;
    const expected = shape[0] * shape[1] * 4;
    if (bytes !== expected) {
      throw new ShapeError(`${path}: ${bytes} bytes, but shape [${shape.join(', ')}] of float32 needs ${expected}; fix the header or the file`);
    }
    const buffer = readFileSync(path);
    vp = new Float32Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + bytes));
  }
  if (shape[0] < 16 || shape[1] < 16) throw new ShapeError(`${path}: the model must be at least 16 × 16 points, got ${shape.join(' × ')}`);
  for (const v of vp) checkVelocityKms(v, path);
  return { vp, shape, spacing: grid, origin };
}
