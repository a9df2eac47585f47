import { InvalidNameError } from '../errors.ts';

const C_KEYWORDS = new Set([
  'auto', 'break', 'case', 'char', 'const', 'continue', 'default', 'do', 'double', 'else', 'enum',
  'extern', 'float', 'for', 'goto', 'if', 'inline', 'int', 'long', 'register', 'restrict', 'return',
  'short', 'signed', 'sizeof', 'static', 'struct', 'switch', 'typedef', 'union', 'unsigned', 'void',
  'volatile', 'while', '_Alignas', '_Alignof', '_Atomic', '_Bool', '_Complex', '_Generic',
  '_Imaginary', '_Noreturn', '_Static_assert', '_Thread_local', 'bool', 'true', 'false', 'NULL',
]);

// Names the generated C (or math.h / omp.h) already uses; a field called `x` or `sqrtf` would
// silently shadow them.
const MATH_FUNCTIONS = [
  'acos', 'acosh', 'asin', 'asinh', 'atan', 'atan2', 'atanh', 'cbrt', 'ceil', 'copysign', 'cos', 'cosh',
  'erf', 'erfc', 'exp', 'exp2', 'expm1', 'fabs', 'fdim', 'floor', 'fma', 'fmax', 'fmin', 'fmod', 'frexp',
  'hypot', 'ilogb', 'ldexp', 'lgamma', 'llrint', 'llround', 'log', 'log10', 'log1p', 'log2', 'logb',
  'lrint', 'lround', 'modf', 'nan', 'nearbyint', 'nextafter', 'nexttoward', 'pow', 'remainder',
  'remquo', 'rint', 'round', 'scalbln', 'scalbn', 'sin', 'sinh', 'sqrt', 'tan', 'tanh', 'tgamma', 'trunc',
];
const MATH_MACROS = [
  'NAN', 'INFINITY', 'HUGE_VAL', 'HUGE_VALF', 'HUGE_VALL', 'FP_NAN', 'FP_INFINITE', 'FP_ZERO', 'FP_NORMAL',
  'FP_SUBNORMAL', 'FP_ILOGB0', 'FP_ILOGBNAN', 'MATH_ERRNO', 'MATH_ERREXCEPT', 'math_errhandling',
  'isnan', 'isinf', 'isfinite', 'signbit', 'fpclassify', 'isnormal',
];
const GENERATED_NAMES = new Set([
  'time', 'x', 'y', 'z', 'dt', 'nthreads', 'timers', 'main', 'errno', 'MIN', 'MAX', 'time_tile', 'tile_steps', 'tile_step', 'plane', 'free', 'calloc', 'malloc', 'NULL', 'size_t', 'ptrdiff_t', 'wchar_t', 'max_align_t', 'offsetof', 'VLOAD', 'VSTORE', 'SHIFT', 'vreal', 'vreal_u',
  ...MATH_FUNCTIONS.flatMap((fn) => [fn, `${fn}f`, `${fn}l`]),
  ...MATH_MACROS,
]);
const GENERATED_PATTERNS = [/^tm?\d+(_\d+)?$/, /^r\d+(_\d+)?$/, /^h_[xyz]$/, /^[xyz]_[mM]$/, /^time_[mM]$/, /_vec$/, /_size\d*$/, /^__/, /^o_[xyz]$/, /_coords$/, /_npoint$/, /^(pos|idx|frac)_[xyz]$/, /^(weight|sum)$/, /^start\d+$/, /^[xyz]0_blk0$/, /^[xyz]_end$/, /^[xyz]_hi$/, /^[xyz]_wave(_[mM])?$/, /^w\d+_[abcn]$/, /^v\d+$/, /^base\d+$/, /^omp_/];

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Names the generated C gives the loop and arrays of a sparse set's points: point index, index into the wave order, and that order. */
export function sparseLoopNames(sparse: string): { point: string; index: string; first: string; order: string } {
  return { point: `p_${sparse}`, index: `k_${sparse}`, first: `${sparse}_wave_first`, order: `${sparse}_wave_order` };
}

/** Checks that `name` can be used verbatim as a C identifier in generated code; throws otherwise. */
export function validateName(name: string, what: string): string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    throw new InvalidNameError(
      `${what} name ${JSON.stringify(name)} is not a valid C identifier: use letters, digits and '_' only, not starting with a digit (e.g. "u", "vp_true").`,
    );
  }
  if (C_KEYWORDS.has(name)) {
    throw new InvalidNameError(`${what} name "${name}" is a C keyword; choose another name (e.g. "${name}_")`);
  }
  if (GENERATED_NAMES.has(name) || GENERATED_PATTERNS.some((pattern) => pattern.test(name))) {
    throw new InvalidNameError(
      `${what} name "${name}" collides with a name the generated C uses (loop indices, spacings, math functions); choose another name`,
    );
  }
  return name;
}
