import type { Dtype } from '../dsl/dtype.ts';
import type { Parameter } from '../ir/types.ts';
import { assertNever } from '../support/assert-never.ts';

/**
 * One table from a kernel parameter's kind to its C declaration and its FFI type: codegen
 * declares the C function with it, the runtime binds the library with it (koffi), and the
 * compile manifest records both for the generated binding, so the three cannot disagree.
 */
interface ParameterType {
  /** The C declaration before the name (`const int`, `float *restrict`). */
  readonly c: string;
  /** koffi's type (`int`, `float *`). */
  readonly ffi: string;
}

function parameterType(param: Parameter, dtype: Dtype): ParameterType {
  const real = dtype === 'float32' ? 'float' : 'double';
  switch (param.kind) {
    case 'field': case 'sparseData': return { c: `${real} *restrict`, ffi: `${real} *` };
    case 'coordinates': return { c: 'const double *restrict', ffi: 'double *' };
    case 'timers': return { c: 'double *restrict', ffi: 'double *' };
    case 'size': case 'timeBound': case 'spaceBound': case 'nthreads': case 'npoint': case 'blockSize':
    case 'comm': case 'globalBound': case 'coreBound': return { c: 'const int', ffi: 'int' };
    case 'neighbours': return { c: 'const int *restrict', ffi: 'int *' };
    case 'scalar': return { c: `const ${real}`, ffi: real };
    case 'origin': return { c: 'const double', ffi: 'double' };
    default: return assertNever(param);
  }
}

/** The C declaration of a parameter, without its name. */
export const parameterCType = (param: Parameter, dtype: Dtype): string => parameterType(param, dtype).c;
/** koffi's type of a parameter. */
export const parameterFfiType = (param: Parameter, dtype: Dtype): string => parameterType(param, dtype).ffi;

/**
 * Most parameters koffi binds one by one: it refuses a 65th ("Functions cannot have more than
 * 64 parameters", koffi 3.3's MaxParameters; measured: 64 `int`s load and add up, 65 throw).
 */
export const MAX_FFI_PARAMETERS = 64;

/**
 * Whether a kernel with `count` parameters takes them packed in one struct (passed by pointer)
 * instead of one by one: only when koffi could not bind them separately, so every kernel koffi
 * can call keeps its C signature (and its C text, byte for byte).
 */
export const packsParameters = (count: number): boolean => count > MAX_FFI_PARAMETERS;
