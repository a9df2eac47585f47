import koffi from 'koffi';
import type { Parameter } from '../ir/types.ts';
import type { Dtype } from '../dsl/dtype.ts';
import { parameterFfiType } from '../codegen/c-types.ts';

/** A loaded kernel: call it with one argument per parameter, in order. */
export type KernelFunction = (...args: unknown[]) => number;

const libraries = new Map<string, ReturnType<typeof koffi.load>>();
const functions = new Map<string, KernelFunction>();


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
  const fn = library.func(name, 'int', parameters.map((p) => parameterFfiType(p, dtype))) as KernelFunction;
  functions.set(key, fn);
  return fn;
}
