import { InvalidArgumentError } from '../errors.ts';

/** Floating-point precisions a field can hold. */
export type Dtype = 'float32' | 'float64';
export type FloatArray = Float32Array | Float64Array;

/** Validates a user-supplied dtype string. */
export function checkDtype(dtype: unknown, what: string): Dtype {
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new InvalidArgumentError(`${what}: dtype must be 'float32' or 'float64', got ${JSON.stringify(dtype)}`);
  }
  return dtype;
}

/** Allocates a zeroed array of `length` elements of `dtype`. */
export function allocate(dtype: Dtype, length: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

export function bytesPerElement(dtype: Dtype): number {
  return dtype === 'float32' ? 4 : 8;
}
