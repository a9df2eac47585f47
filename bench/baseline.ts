// "today": the generated C of the bench's kernels as saved in bench/baseline/ (see its README),
// before the loop-tree rewrite of the compiler core. The bench compiles that C with the same
// compiler and flags as the current Operator and calls it with the argument list the current
// Operator's apply lays out (prepareCall), so the two kernels can be timed side by side and
// compared bitwise on the same fields. The files are a fixed reference: nothing here writes them.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Operator } from '../src/index.ts';
import { compileShared, type CompiledLibrary } from '../src/jit/compiler.ts';
import { prepareCall, type ApplyArgs } from '../src/runtime/arguments.ts';
import { loadKernel, type KernelFunction } from '../src/runtime/library.ts';

/** Grid sizes (n³) with saved kernels: the bench's default and a small one for quick runs. */
export const BASELINE_SIZES: readonly number[] = [256, 64];

const directory = fileURLToPath(new URL('./baseline/', import.meta.url));

/** Path of the saved C of the plain acoustic kernel (bench/acoustic-op.ts) at spaceOrder `so` on an n³ grid. */
export function stencilBaselinePath(spaceOrder: number, size: number): string {
  return `${directory}acoustic-so${spaceOrder}-${size}.c`;
}

/** Path of the saved C of the so8 forward operator with source and receivers (sparseForwardOperator) on a padded n³ grid. */
export function sparseBaselinePath(size: number): string {
  return `${directory}acoustic-so8-sparse-${size}.c`;
}

/** The saved C at `path`, or undefined when there is none (no baseline for that size). */
export function readBaseline(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** The parameter declarations of C function `name` in `source` (`int name(…)`), whitespace-normalised; undefined if absent. */
export function cParameters(source: string, name: string): string[] | undefined {
  const match = new RegExp(String.raw`\bint\s+${name}\s*\(([^)]*)\)\s*\{`).exec(source);
  if (!match) return undefined;
  return match[1]!.split(',').map((declaration) => declaration.trim().replace(/\s+/g, ' '));
}

/** The identifier a C parameter declaration ends with. */
function declaredName(declaration: string): string {
  return /([A-Za-z_]\w*)\s*$/.exec(declaration)?.[1] ?? declaration;
}

/** Today's kernel, compiled and bound with the current Operator's parameter list. */
export interface TodayKernel {
  readonly path: string;
  readonly library: CompiledLibrary;
  /** Whether today's C is byte-identical to what the current Operator prints. */
  readonly identicalC: boolean;
  /**
   * Runs time indices timeMin … timeMax on the current Operator's fields with the argument values
   * its apply would pass (prepareCall with `blockSizes`, e.g. the tuned ones); returns the kernel's
   * own timer seconds.
   */
  run(args: ApplyArgs, blockSizes: Readonly<Record<string, number>> | undefined): number;
}

/**
 * Compiles the saved C at `path` (compileShared, the current Operator's compiler and flags, library
 * file `<op name>-today-<hash>.so` so it never shares a file with the current kernel) and binds it
 * with `op.kernel.parameters`. Throws when the saved C's parameter list is not the current
 * kernel's, parameter for parameter: then the values apply lays out would not fit it.
 */
export function loadToday(op: Operator, path: string, source: string, cacheDir: string): TodayKernel {
  const name = op.name;
  const saved = cParameters(source, name);
  if (!saved) throw new Error(`bench: today's kernel ${path} defines no function int ${name}(…); the current Operator's kernel is called ${name}`);
  const current = cParameters(op.ccode, name);
  if (!current) throw new Error(`bench: could not find int ${name}(…) in the current Operator's C (bench/baseline.ts cParameters needs updating)`);
  const expected = op.kernel.parameters.map((p) => p.name);
  const printed = current.map(declaredName);
  if (printed.join() !== expected.join()) {
    throw new Error(`bench: the current ${name} prints parameters (${printed.join(', ')}) but op.kernel.parameters lists (${expected.join(', ')})`);
  }
  if (saved.join() !== current.join()) {
    const width = Math.max(saved.length, current.length);
    const differences = Array.from({ length: width }, (_, i) => i)
      .filter((i) => saved[i] !== current[i])
      .map((i) => `  #${i}: today "${saved[i] ?? '(none)'}", current "${current[i] ?? '(none)'}"`);
    throw new Error(
      `bench: the parameter lists of today's ${name} (${path}) and the current Operator's kernel differ, so today's kernel cannot be called ` +
        `with the current Operator's arguments; ${differences.length} of ${width} parameters differ:\n${differences.join('\n')}\n` +
        `Either keep the kernel's parameters as they were, or teach bench/baseline.ts to map the current arguments onto today's list.`,
    );
  }
  const library = compileShared(source, `${name}-today`, { cacheDir });
  const fn: KernelFunction = loadKernel(library.path, name, op.kernel.parameters, op.kernel.dtype);
  const kernel = op.kernel;
  return {
    path,
    library,
    identicalC: source === op.ccode,
    run(args, blockSizes) {
      const call = prepareCall(kernel, args, blockSizes);
      const status = fn(...call.values);
      if (status !== 0) throw new Error(`bench: today's ${name} returned status ${status}`);
      return call.timers.reduce((a, b) => a + b, 0);
    },
  };
}
