import './mpi.ts';
import koffi from 'koffi';
import type { Parameter } from '../ir/types.ts';
import type { Dtype } from '../dsl/dtype.ts';
import { packsParameters, parameterFfiType } from '../codegen/c-types.ts';

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
  const types = parameters.map((p) => parameterFfiType(p, dtype));
  const fn = packsParameters(types.length) ? bindPacked(library, name, types) : (library.func(name, 'int', types) as KernelFunction);
  functions.set(key, fn);
  return fn;
}

/**
 * A kernel whose parameters come in one struct (codegen/print-kernel.ts packedParameters):
 * koffi lays out the same members (the same koffi types, in order, C alignment) and fills the
 * struct from an object per call, typed arrays as pointers into their own memory as for
 * separate parameters. The returned function still takes one value per parameter, so callers
 * lay out calls the same way for both conventions.
 */
function bindPacked(library: ReturnType<typeof koffi.load>, name: string, types: readonly string[]): KernelFunction {
  const keys = types.map((_, i) => `p${i}`);
  const struct = koffi.struct(Object.fromEntries(keys.map((key, i) => [key, types[i]!])));
  const fn = library.func(name, 'int', [koffi.pointer(struct)]);
  const pointers = types.map((type) => type.endsWith('*'));
  return (...values: unknown[]): number => {
    if (values.length !== keys.length) throw new Error(`internal: ${name} takes ${keys.length} arguments, got ${values.length}`);
    const packed: Record<string, unknown> = {};
    keys.forEach((key, i) => {
      // koffi aborts the process (rather than throwing) on a non-number for a numeric struct member.
      if (!pointers[i] && typeof values[i] !== 'number') throw new Error(`internal: ${name}: argument ${i} (${types[i]}) is ${String(values[i])}, not a number`);
      packed[key] = values[i];
    });
    return fn(packed) as number;
  };
}
