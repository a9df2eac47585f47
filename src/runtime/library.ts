import koffi from 'koffi';
import type { Parameter } from '../ir/types.ts';
import type { Dtype } from '../dsl/dtype.ts';
import { assertNever } from '../dsl/expr.ts';

/** A loaded kernel: call it with one argument per parameter, in order. */
export type KernelFunction = (...args: unknown[]) => number;

const libraries = new Map<string, ReturnType<typeof koffi.load>>();
const functions = new Map<string, KernelFunction>();

function ffiType(param: Parameter, dtype: Dtype): string {
  const real = dtype === 'float32' ? 'float' : 'double';
  switch (param.kind) {
    case 'field': case 'sparseData': return `${real} *`;
    case 'coordinates': case 'timers': return 'double *';
    case 'scalar': return real;
    case 'origin': return 'double';
    case 'size': case 'timeBound': case 'spaceBound': case 'nthreads': case 'npoint': case 'blockSize': return 'int';
    default: return assertNever(param);
  }
}

/**
 * Loads (once per process) the shared library at `path` and binds its kernel `name`. Typed
 * arrays passed for pointer parameters are handed to C as pointers into their own memory.
 */
export function loadKernel(path: string, name: string, parameters: readonly Parameter[], dtype: Dtype): KernelFunction {
  const key = `${path}\0${name}`;
  const known = functions.get(key);
  if (known) return known;
  let library = libraries.get(path);
  if (!library) {
    library = koffi.load(path);
    libraries.set(path, library);
  }
  const fn = library.func(name, 'int', parameters.map((p) => ffiType(p, dtype))) as KernelFunction;
  functions.set(key, fn);
  return fn;
}
