import { InvalidNameError } from '../errors.ts';

/*
 * What a user's name must not be. The names the generated C makes up itself (loop indices,
 * temporaries, `u_vec`, `base0`, …) are NOT reserved: the C printer renames its own name when a
 * user's takes it (src/codegen/names.ts). Reserved are only the names it cannot rename: C's
 * keywords, identifiers C reserves for the implementation, and the names the headers of the
 * generated C (and gcc's implicit declarations) give a meaning to.
 */

const C_KEYWORDS = new Set([
  'auto', 'break', 'case', 'char', 'const', 'continue', 'default', 'do', 'double', 'else', 'enum',
  'extern', 'float', 'for', 'goto', 'if', 'inline', 'int', 'long', 'register', 'restrict', 'return',
  'short', 'signed', 'sizeof', 'static', 'struct', 'switch', 'typedef', 'union', 'unsigned', 'void',
  'volatile', 'while', '_Alignas', '_Alignof', '_Atomic', '_Bool', '_Complex', '_Generic',
  '_Imaginary', '_Noreturn', '_Static_assert', '_Thread_local',
  // C23 keywords and <stdbool.h>'s macros: gcc 13+ reads them as keywords.
  'bool', 'true', 'false', 'alignas', 'alignof', 'constexpr', 'nullptr', 'static_assert', 'thread_local', 'typeof', 'typeof_unqual',
]);

// <math.h> (C11 7.12): every function, in its double, float (`f`) and long double (`l`) forms.
const MATH_FUNCTIONS = [
  'acos', 'acosh', 'asin', 'asinh', 'atan', 'atan2', 'atanh', 'cbrt', 'ceil', 'copysign', 'cos', 'cosh',
  'erf', 'erfc', 'exp', 'exp2', 'expm1', 'fabs', 'fdim', 'floor', 'fma', 'fmax', 'fmin', 'fmod', 'frexp',
  'hypot', 'ilogb', 'ldexp', 'lgamma', 'llrint', 'llround', 'log', 'log10', 'log1p', 'log2', 'logb',
  'lrint', 'lround', 'modf', 'nan', 'nearbyint', 'nextafter', 'nexttoward', 'pow', 'remainder',
  'remquo', 'rint', 'round', 'scalbln', 'scalbn', 'sin', 'sinh', 'sqrt', 'tan', 'tanh', 'tgamma', 'trunc',
];
// <math.h>'s macros and types (C11 7.12), its XSI/BSD additions glibc declares in gcc's default
// dialect (the `M_` constants, Bessel functions, `signgam`), and gcc's FP_FAST_FMA macros.
const MATH_MACROS_AND_TYPES = [
  'NAN', 'INFINITY', 'HUGE_VAL', 'HUGE_VALF', 'HUGE_VALL', 'FP_NAN', 'FP_INFINITE', 'FP_ZERO', 'FP_NORMAL',
  'FP_SUBNORMAL', 'FP_ILOGB0', 'FP_ILOGBNAN', 'FP_FAST_FMA', 'FP_FAST_FMAF', 'FP_FAST_FMAL', 'MATH_ERRNO',
  'MATH_ERREXCEPT', 'math_errhandling', 'float_t', 'double_t',
  'isnan', 'isinf', 'isfinite', 'signbit', 'fpclassify', 'isnormal',
  'isgreater', 'isgreaterequal', 'isless', 'islessequal', 'islessgreater', 'isunordered',
  'M_E', 'M_LOG2E', 'M_LOG10E', 'M_LN2', 'M_LN10', 'M_PI', 'M_PI_2', 'M_PI_4', 'M_1_PI', 'M_2_PI',
  'M_2_SQRTPI', 'M_SQRT2', 'M_SQRT1_2', 'MAXFLOAT', 'HUGE', 'signgam', 'j0', 'j1', 'jn', 'y0', 'y1', 'yn',
];
// <complex.h> (C11 7.3): not included, but gcc declares its functions as builtins.
const COMPLEX_FUNCTIONS = [
  'cacos', 'casin', 'catan', 'ccos', 'csin', 'ctan', 'cacosh', 'casinh', 'catanh', 'ccosh', 'csinh', 'ctanh',
  'cexp', 'clog', 'cabs', 'cpow', 'csqrt', 'carg', 'cimag', 'conj', 'cproj', 'creal',
];
/*
 * gcc declares most of the C library implicitly as builtins, so a kernel function named like one
 * (`abort`, `printf`) is a "conflicting types for built-in function" and a local one shadows the
 * library in the C we print. No gcc option lists its builtins, so we reserve every function of the
 * C11 headers (Annex B, "Library summary") that hold gcc's library builtins: <ctype.h>,
 * <stdio.h>, <stdlib.h>, <string.h>, <wctype.h>, <inttypes.h> (above: <math.h>, <complex.h>),
 * and strftime, the one builtin of <time.h>. (gcc 12 -std=c11 flags 101 of these as builtins.)
 */
const LIBRARY_FUNCTIONS = [
  // <ctype.h>
  'isalnum', 'isalpha', 'isblank', 'iscntrl', 'isdigit', 'isgraph', 'islower', 'isprint', 'ispunct', 'isspace',
  'isupper', 'isxdigit', 'tolower', 'toupper',
  // <stdio.h>
  'remove', 'rename', 'tmpfile', 'tmpnam', 'fclose', 'fflush', 'fopen', 'freopen', 'setbuf', 'setvbuf', 'fprintf',
  'fscanf', 'printf', 'scanf', 'snprintf', 'sprintf', 'sscanf', 'vfprintf', 'vfscanf', 'vprintf', 'vscanf',
  'vsnprintf', 'vsprintf', 'vsscanf', 'fgetc', 'fgets', 'fputc', 'fputs', 'getc', 'getchar', 'gets', 'putc', 'putchar',
  'puts', 'ungetc', 'fread', 'fwrite', 'fgetpos', 'fseek', 'fsetpos', 'ftell', 'rewind', 'clearerr', 'feof', 'ferror',
  'perror',
  // <stdlib.h>
  'atof', 'atoi', 'atol', 'atoll', 'strtod', 'strtof', 'strtold', 'strtol', 'strtoll', 'strtoul', 'strtoull', 'rand',
  'srand', 'aligned_alloc', 'calloc', 'free', 'malloc', 'realloc', 'abort', 'atexit', 'at_quick_exit', 'exit',
  '_Exit', 'getenv', 'quick_exit', 'system', 'bsearch', 'qsort', 'abs', 'labs', 'llabs', 'div', 'ldiv', 'lldiv',
  'mblen', 'mbtowc', 'wctomb', 'mbstowcs', 'wcstombs',
  // <string.h>
  'memcpy', 'memmove', 'strcpy', 'strncpy', 'strcat', 'strncat', 'memcmp', 'strcmp', 'strcoll', 'strncmp',
  'strxfrm', 'memchr', 'strchr', 'strcspn', 'strpbrk', 'strrchr', 'strspn', 'strstr', 'strtok', 'memset',
  'strerror', 'strlen',
  // <wctype.h>
  'iswalnum', 'iswalpha', 'iswblank', 'iswcntrl', 'iswdigit', 'iswgraph', 'iswlower', 'iswprint', 'iswpunct',
  'iswspace', 'iswupper', 'iswxdigit', 'iswctype', 'wctype', 'towlower', 'towupper', 'towctrans', 'wctrans',
  // <inttypes.h>
  'imaxabs', 'imaxdiv', 'strtoimax', 'strtoumax', 'wcstoimax', 'wcstoumax',
  // <time.h>
  'strftime',
];
// <stddef.h> (included with the allocation prototypes), `errno` (a macro of <errno.h>, which some
// libcs' <math.h> pulls in) and `main` (the program's entry point, which gcc checks the type of).
const OTHER_NAMES = ['NULL', 'size_t', 'ptrdiff_t', 'wchar_t', 'max_align_t', 'offsetof', 'errno', 'main'];

const RESERVED = new Set([
  ...MATH_FUNCTIONS.flatMap((fn) => [fn, `${fn}f`, `${fn}l`]),
  ...COMPLEX_FUNCTIONS.flatMap((fn) => [fn, `${fn}f`, `${fn}l`]),
  ...MATH_MACROS_AND_TYPES,
  ...LIBRARY_FUNCTIONS,
  ...OTHER_NAMES,
]);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Whether `name` is one the generated C's headers (or gcc's builtins) give a meaning to. */
export function isReservedName(name: string): boolean {
  return RESERVED.has(name) || name.startsWith('_') || name.startsWith('omp_');
}

/** Names the generated C gives the loop and arrays of a sparse set's points: point index, index into the wave order, and that order. */
export function sparseLoopNames(sparse: string): { point: string; index: string; first: string; order: string } {
  return { point: `p_${sparse}`, index: `k_${sparse}`, first: `${sparse}_wave_first`, order: `${sparse}_wave_order` };
}

/**
 * Checks that `name` can be used verbatim as a C identifier in generated code: identifier syntax,
 * no C keyword, no name of the C library or the headers; throws InvalidNameError otherwise.
 */
export function validateName(name: string, what: string): string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    throw new InvalidNameError(
      `${what} name ${JSON.stringify(name)} is not a valid C identifier: use letters, digits and '_' only, not starting with a digit (e.g. "u", "vp_true").`,
    );
  }
  if (C_KEYWORDS.has(name)) {
    throw new InvalidNameError(`${what} name "${name}" is a C keyword; choose another name (e.g. "${name}_")`);
  }
  if (name.startsWith('_')) {
    throw new InvalidNameError(
      `${what} name "${name}" starts with '_', which C reserves for the compiler and its headers (e.g. the vector intrinsics); choose a name starting with a letter (e.g. "${name.replace(/^_+/, '') || 'u'}")`,
    );
  }
  if (name.startsWith('omp_')) {
    throw new InvalidNameError(`${what} name "${name}" is in the omp_ namespace of <omp.h>, which the generated C includes; choose a name without the omp_ prefix`);
  }
  if (RESERVED.has(name)) {
    throw new InvalidNameError(
      `${what} name "${name}" is a name of the C library (declared by <math.h> or <stddef.h>, which the generated C includes, or by gcc as a builtin); choose another name (e.g. "${name}_")`,
    );
  }
  return name;
}

/*
 * The names `Operator.apply` takes arguments by, besides the Constants: `timeMin`, `timeMax`,
 * `dt`, `nthreads`, `autotune` (src/runtime/arguments.ts), the tile sizes the passes add
 * (`x0_blk0_size` of passes/blocking.ts, `time_tile_size` and `x_wave_size` of
 * passes/time-tiling.ts), and the time bounds `time_m`/`time_M` (the kernel's own loop bounds).
 * A Constant called like one would make `apply({ [name]: value })` ambiguous.
 */
const APPLY_ARGUMENTS = new Set(['timeMin', 'timeMax', 'dt', 'nthreads', 'autotune', 'time_m', 'time_M', 'time_tile_size']);
const APPLY_ARGUMENT_PATTERNS = [/^[xyz]0_blk0_size$/, /^[xyz]_wave_size$/];

/** Whether `apply` takes an argument called `name` other than a Constant's value (see APPLY_ARGUMENTS). */
export function isApplyArgumentName(name: string): boolean {
  return APPLY_ARGUMENTS.has(name) || APPLY_ARGUMENT_PATTERNS.some((pattern) => pattern.test(name));
}
