import type { Kernel } from '../ir/types.ts';
import { assertNever } from '../support/assert-never.ts';
import type { PreparedCall } from './arguments.ts';

/** An array argument of a kernel call, described (the memory itself is not copied). */
export interface ArrayArgument {
  readonly kind: 'array';
  /** The field, sparse set (`src`, `src.coordinates`) or `timers` the array belongs to. */
  readonly of: string;
  readonly dtype: 'float32' | 'float64';
  /** Allocated shape: time slots, then space with halo and padding; sparse data `[nt, npoint]`, coordinates `[npoint, ndim]`. */
  readonly shape: readonly number[];
  readonly length: number;
}

/** One argument of a kernel call: a number (bounds, sizes, spacings, `dt`, Constants, threads) or an array. */
export type KernelArgument = number | ArrayArgument;

const arrayOf = (of: string, values: unknown, shape: readonly number[]): ArrayArgument => ({
  kind: 'array', of, dtype: values instanceof Float32Array ? 'float32' : 'float64', shape: Object.freeze([...shape]), length: (values as ArrayLike<number>).length,
});

/** A prepared call as C parameter name → argument, in parameter order (what `Operator.arguments` returns). */
export function describeCall(kernel: Kernel, call: PreparedCall): Record<string, KernelArgument> {
  const { fields } = call;
  const out: Record<string, KernelArgument> = {};
  kernel.parameters.forEach((param, i) => {
    const value = call.values[i];
    switch (param.kind) {
      case 'field': {
        const field = fields.fields.get(param.field.name)!;
        out[param.name] = arrayOf(field.name, value, field.data.allocatedShape);
        return;
      }
      case 'sparseData': {
        const sparse = fields.sparses.get(param.sparse.name)!;
        out[param.name] = arrayOf(sparse.name, value, sparse.nt === undefined ? [sparse.npoint] : [sparse.nt, sparse.npoint]);
        return;
      }
      case 'coordinates': {
        const sparse = fields.sparses.get(param.sparse.name)!;
        out[param.name] = arrayOf(`${sparse.name}.coordinates`, value, [sparse.npoint, kernel.grid.ndim]);
        return;
      }
      case 'timers': out[param.name] = arrayOf('timers', value, [call.timers.length]); return;
      case 'size': case 'timeBound': case 'spaceBound': case 'scalar': case 'npoint': case 'origin': case 'blockSize': case 'nthreads':
      case 'comm': case 'globalBound': case 'coreBound':
        out[param.name] = value as number;
        return;
      case 'neighbours': out[param.name] = arrayOf('neighbours', value, [(value as Int32Array).length]); return;
      default: assertNever(param);
    }
  });
  return Object.freeze(out);
}
