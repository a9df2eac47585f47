import { InvalidArgumentError } from '../errors.ts';
import type { FieldData } from './data.ts';

/** Anything with data to measure: a Function, TimeFunction or SparseTimeFunction. */
export interface WithData {
  readonly name: string;
  readonly data: FieldData;
}

/**
 * The `order`-norm (default 2, the L2 norm; `Infinity` the largest magnitude) of a field's
 * data over its domain, halo and padding excluded: every time slot of a TimeFunction (as
 * Devito's `norm` covers the whole buffer), every sample of a sparse set. Accumulated in float64
 * in row-major order, so the value is the same however the field was computed — under MPI too:
 * the ranks gather the whole field first (collective; an exact, decomposition-independent value
 * costs one copy of the field per rank).
 */
export function norm(f: WithData, order = 2): number {
  if (typeof f !== 'object' || f === null || typeof f.data?.toArray !== 'function') {
    throw new InvalidArgumentError(`norm: give a Function, TimeFunction or SparseTimeFunction, got ${String(f)}`);
  }
  if (!(order === Infinity || (Number.isFinite(order) && order >= 1))) {
    throw new InvalidArgumentError(`norm: order must be a number >= 1 or Infinity, got ${order}`);
  }
  const values = f.data.global.toArray();
  let sum = 0;
  if (order === Infinity) {
    for (const v of values) sum = Math.max(sum, Math.abs(v));
    return sum;
  }
  if (order === 2) for (const v of values) sum += v * v;
  else for (const v of values) sum += Math.abs(v) ** order;
  return sum ** (1 / order);
}
