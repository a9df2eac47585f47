import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_PASSES, type PassOptions } from '../passes/pipeline.ts';
import { generateBinding } from './binding.ts';
import { describeOperator, type OperatorDescription, type OperatorLike } from './compile-describe.ts';
import { writeFileAtomic } from '../support/atomic-write.ts';
import {
  collectOperators, displayPath, importUserFile, isDevitoErrorLike, isTypeScript, resolveUserFile, typeCheckUserFile, UserFileError, type FoundOperator,
} from './compile-load.ts';

/** Options of `devito-ts compile`. */
export interface CompileCommandOptions {
  readonly file: string;
  /** Output directory (created if missing). */
  readonly out: string;
  /** Compile only the operator with this name. */
  readonly name?: string;
  /** Optimisation level 0–3; undefined means the default (3). */
  readonly opt?: number;
  /** Print the C code instead of writing files. */
  readonly print?: boolean;
  /** Type-check the file first (default true). */
  readonly typecheck?: boolean;
  readonly log: (line: string) => void;
}

/** What `compile` wrote for one operator. */
export interface CompiledOperatorFiles {
  readonly name: string;
  readonly c: string;
  readonly library: string;
  readonly binding: string;
  readonly cacheHit: boolean;
}

/** Passes each optimisation level turns on; a pass not named here (a future one) is on only at 3. */
const LEVELS: readonly (readonly string[])[] = [[], ['factorize', 'hoist', 'cse'], ['factorize', 'hoist', 'cse', 'openmp']];

/**
 * Optimisation level → passes: 0 none; 1 flop reductions (factorisation, hoisting, CSE); 2 adds
 * OpenMP; 3 (the default) everything, cache blocking and time tiling included.
 */
export function passesForLevel(level: number): PassOptions {
  const enabled = LEVELS[level];
  if (!enabled) return DEFAULT_PASSES;
  return Object.fromEntries(Object.keys(DEFAULT_PASSES).map((pass) => [pass, enabled.includes(pass)])) as unknown as PassOptions;
}

/** Version of the manifest.json layout; bumped when a field changes meaning. */
export const MANIFEST_VERSION = 1;

/** JSON with two-space indentation, but arrays of numbers and strings on one line (shapes read as `[3, 34, 30]`). */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/\[\n\s*([^[\]{}]*?)\n\s*\]/g, (_, inner: string) => `[${inner.split(/,\n\s*/).join(', ')}]`);
}

/** Operators built at import cannot take another optimisation level; say how to make them able to. */
function checkOptApplies(found: readonly FoundOperator[], opt: number | undefined, file: string): void {
  if (opt === undefined || opt === 3) return;
  const fixed = found.filter((f) => !f.fromFunction).map((f) => f.operator.name);
  if (fixed.length === 0) return;
  throw new UserFileError(
    `--opt ${opt}: ${displayPath(file)} builds ${fixed.join(', ')} when imported, with its own options; ` +
      'export a function instead, e.g. `export const build = (options: OperatorOptions) => new Operator(eqs, { ...options, name })`, or drop --opt',
  );
}

function selectByName(found: readonly FoundOperator[], name: string | undefined, file: string): OperatorLike[] {
  const byName = new Map<string, FoundOperator>();
  for (const entry of found) {
    const other = byName.get(entry.operator.name);
    if (other) {
      throw new UserFileError(
        `${displayPath(file)}: exports ${other.exportName} and ${entry.exportName}, two operators both named ${entry.operator.name}; give each a distinct { name }`,
      );
    }
    byName.set(entry.operator.name, entry);
  }
  if (name === undefined) return found.map((f) => f.operator);
  const chosen = byName.get(name);
  if (!chosen) throw new UserFileError(`--name ${name}: ${displayPath(file)} has no operator of that name; it has ${[...byName.keys()].join(', ')}`);
  return [chosen.operator];
}

/** Compiles (or finds in the cache) one operator and writes its C, library and binding to `out`. */
function emitOperator(op: OperatorLike, out: string, sourceLabel: string): { files: CompiledOperatorFiles; description: OperatorDescription } {
  let library;
  try {
    library = op.compile();
  } catch (error) {
    // The user's module has its own copy of the error classes; keep its message, as a user error.
    if (isDevitoErrorLike(error)) throw new UserFileError(`${op.name}: ${error.message}`, error);
    throw error;
  }
  const description = describeOperator(op, library);
  const files = { name: op.name, c: `${op.name}.c`, library: `${op.name}.so`, binding: `${op.name}.ts`, cacheHit: library.cacheHit };
  writeFileAtomic(join(out, files.c), op.ccode);
  writeFileAtomic(join(out, files.library), (tmp) => copyFileSync(library.path, tmp));
  writeFileAtomic(join(out, files.binding), generateBinding(description, files.library, sourceLabel));
  return { files, description };
}

/**
 * A user's TypeScript file that exports Operators → for each, `<name>.c`, `<name>.so` and a typed
 * binding `<name>.ts` in `out`, plus `manifest.json`; or, with `print`, their C on the log.
 */
export async function runCompile(options: CompileCommandOptions): Promise<CompiledOperatorFiles[]> {
  const file = resolveUserFile(options.file);
  if (options.opt !== undefined && !(Number.isInteger(options.opt) && options.opt >= 0 && options.opt <= 3)) {
    throw new UserFileError(`--opt must be 0, 1, 2 or 3, got ${options.opt}`);
  }
  // A JavaScript file has no types to check (the TypeScript program would not even hold it).
  if (options.typecheck !== false && isTypeScript(file)) await typeCheckUserFile(file);
  const exports = await importUserFile(file);
  const found = await collectOperators(exports, file, passesForLevel(options.opt ?? 3));
  if (found.length === 0) {
    throw new UserFileError(
      `${displayPath(file)}: exports no Operator; export one (export const op = new Operator(...)), an array or object of them, or a function returning them`,
    );
  }
  checkOptApplies(found, options.opt, file);
  const operators = selectByName(found, options.name, file);
  if (options.print) {
    for (const op of operators) options.log(op.ccode);
    return [];
  }

  const out = resolve(options.out);
  try {
    mkdirSync(out, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOTDIR' || code === 'EEXIST' ? 'a file is in the way' : code === 'EACCES' || code === 'EROFS' ? 'no permission to write there' : code;
    throw new UserFileError(`--out ${options.out}: cannot create the output directory (${why}); give a directory path`);
  }
  const sourceLabel = displayPath(file);
  const emitted = operators.map((op) => emitOperator(op, out, sourceLabel));
  const manifest = {
    manifestVersion: MANIFEST_VERSION,
    generatedBy: 'devito-ts compile',
    source: sourceLabel,
    operators: emitted.map(({ files, description }) => ({ files: { c: files.c, library: files.library, binding: files.binding }, ...description })),
  };
  writeFileAtomic(join(out, 'manifest.json'), `${formatJson(manifest)}\n`);
  for (const { files } of emitted) {
    options.log(`${files.name}: ${join(options.out, files.c)}, ${files.library}, ${files.binding}${files.cacheHit ? ' (library from the cache)' : ''}`);
  }
  options.log(`manifest: ${join(options.out, 'manifest.json')}`);
  return emitted.map((e) => e.files);
}
