import { readFileSync } from 'node:fs';
import koffi from 'koffi';
import { CompilationError, DevitoError } from '../../errors.ts';
import { compileShared, DEFAULT_FLAGS, type CompilerOptions } from '../../jit/compiler.ts';

/** A compression codec asked for cannot run here: its system library is missing. */
export class CompressionUnavailableError extends DevitoError {}

/** Scalar type of a zfp array: 0 = float, 1 = double (the shim's `is_double`). */
export type ZfpScalar = 0 | 1;

/** Array extents in zfp's order: `[nx]`, `[nx, ny]` or `[nx, ny, nz]`, nx varying fastest. */
export type ZfpExtents = readonly [number] | readonly [number, number] | readonly [number, number, number];

/** Error codes of `templates/zfp-shim.c`. */
export const ZFP_STATUS: Readonly<Record<number, string>> = Object.freeze({
  [-1]: 'bad argument',
  [-2]: 'output capacity below zfp_stream_maximum_size',
  [-3]: 'zfp failed',
  [-4]: 'corrupt stream',
});

/** The shim's entry points, bound with koffi; buffers are passed as typed arrays (zero copy). */
export interface ZfpLibrary {
  /** Bytes a compressed stream of this array may take at most (header included). */
  maximumSize(scalar: ZfpScalar, extents: ZfpExtents, tolerance: number): number;
  /** Compresses `src` into `dst` (8-byte aligned); bytes written (a multiple of 8) or a negative status. */
  compress(scalar: ZfpScalar, extents: ZfpExtents, tolerance: number, src: Uint8Array, dst: Uint8Array): number;
  /**
   * Decompresses the `stored`-byte stream at the start of `src` into `dst`; `src` must be 8-byte
   * aligned and at least `maximumSize` long. Bytes consumed or a negative status.
   */
  decompress(scalar: ZfpScalar, extents: ZfpExtents, tolerance: number, src: Uint8Array, stored: number, dst: Uint8Array): number;
  /** Largest |value| of `count` scalars, `Infinity` if one is not finite. */
  maxAbs(scalar: ZfpScalar, values: Uint8Array, count: number): number;
  /** Largest |a − b| over `count` scalars, `Infinity` if one is not finite. */
  maxAbsDiff(scalar: ZfpScalar, a: Uint8Array, b: Uint8Array, count: number): number;
}

const SHIM_URL = new URL('../../../templates/zfp-shim.c', import.meta.url);
// NOTE: --no-as-needed keeps libzfp as a dependency of the shim even where the toolchain defaults
// to --as-needed (which drops a library named before the source that uses it).
const ZFP_FLAGS: readonly string[] = Object.freeze([...DEFAULT_FLAGS, '-Wl,--no-as-needed', '-lzfp']);
const INSTALL_HINT = "lossy 'zfp' compression needs Debian's libzfp-dev (apt-get install libzfp-dev)";
const loaded = new Map<string, ZfpLibrary>();

/**
 * Compiler options → the zfp shim, compiled once (content-hash cache) and loaded once per process.
 * Throws `CompressionUnavailableError` naming the package when libzfp is not installed; nothing
 * else in devito-ts loads it.
 */
export function loadZfp(options: CompilerOptions = {}): ZfpLibrary {
  const key = `${options.compiler ?? ''}\0${options.cacheDir ?? ''}`;
  const known = loaded.get(key);
  if (known) return known;
  let path: string;
  try {
    path = compileShared(readFileSync(SHIM_URL, 'utf8'), 'zfp-shim', { ...options, flags: ZFP_FLAGS }).path;
  } catch (error) {
    if (error instanceof CompilationError && /zfp\.h|-lzfp\b|libzfp\.so/.test(error.message)) {
      throw new CompressionUnavailableError(`${INSTALL_HINT}; compiling the zfp shim failed:\n${error.message}`);
    }
    throw error;
  }
  let library: ReturnType<typeof koffi.load>;
  try {
    library = koffi.load(path);
  } catch (error) {
    // A cached shim outlives an uninstalled libzfp: the loader then cannot find libzfp.so.1.
    throw new CompressionUnavailableError(`${INSTALL_HINT}; loading ${path} failed: ${String(error)}`);
  }
  const bound = bind(library);
  loaded.set(key, bound);
  return bound;
}

function bind(library: ReturnType<typeof koffi.load>): ZfpLibrary {
  const shape = ['int', 'int', 'int64_t', 'int64_t', 'int64_t', 'double'];
  const maximumSize = library.func('dts_zfp_maximum_size', 'int64_t', shape);
  const compress = library.func('dts_zfp_compress', 'int64_t', [...shape, 'const void *', 'void *', 'int64_t']);
  const decompress = library.func('dts_zfp_decompress', 'int64_t', [...shape, 'void *', 'const void *', 'int64_t', 'int64_t']);
  const maxAbs = library.func('dts_zfp_max_abs', 'double', ['int', 'const void *', 'int64_t']);
  const maxAbsDiff = library.func('dts_zfp_max_abs_diff', 'double', ['int', 'const void *', 'const void *', 'int64_t']);
  const dims = (e: ZfpExtents) => [e.length, e[0], e[1] ?? 0, e[2] ?? 0];
  // NOTE: C trusts these lengths, so every array is checked to hold what the call touches.
  const fits = (what: string, bytes: Uint8Array, scalar: ZfpScalar, count: number): void => {
    if (!Number.isSafeInteger(count) || count < 0 || bytes.byteLength < count * (scalar === 1 ? 8 : 4)) {
      throw new DevitoError(`zfp shim: ${what} holds ${bytes.byteLength} bytes, too few for ${count} values`);
    }
  };
  const countOf = (e: ZfpExtents) => e.reduce((a, b) => a * b, 1);
  return {
    maximumSize: (scalar, extents, tolerance) => Number(maximumSize(scalar, ...dims(extents), tolerance)),
    compress: (scalar, extents, tolerance, src, dst) => {
      fits('source', src, scalar, countOf(extents));
      return Number(compress(scalar, ...dims(extents), tolerance, src, dst, dst.byteLength));
    },
    decompress: (scalar, extents, tolerance, src, stored, dst) => {
      fits('destination', dst, scalar, countOf(extents));
      return Number(decompress(scalar, ...dims(extents), tolerance, dst, src, src.byteLength, stored));
    },
    maxAbs: (scalar, values, count) => {
      fits('array', values, scalar, count);
      return maxAbs(scalar, values, count) as number;
    },
    maxAbsDiff: (scalar, a, b, count) => {
      fits('first array', a, scalar, count);
      fits('second array', b, scalar, count);
      return maxAbsDiff(scalar, a, b, count) as number;
    },
  };
}
