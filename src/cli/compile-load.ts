import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DevitoError } from '../errors.ts';
import type { PassOptions } from '../passes/pipeline.ts';
import type { OperatorLike } from './compile-describe.ts';
import { importOptional } from './optional.ts';

/** A mistake in the user's file or command line; the message names the file (and line when known). */
export class UserFileError extends DevitoError {
  constructor(message: string, cause?: unknown) {
    super(message);
    // Under --verbose the CLI prints `stack`: show where the user's code failed, not where we noticed.
    if (cause instanceof Error && cause.stack) this.stack = `${this.name}: ${message}\nCaused by: ${cause.stack}`;
  }
}

/** `test/x.ts` when under the working directory, else the absolute path. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** Files `compile` reads: TypeScript (type-checked first) and JavaScript (imported as is). */
const TYPESCRIPT = /\.[cm]?ts$/;
const JAVASCRIPT = /\.[cm]?js$/;

/** Whether `file` is TypeScript (and so has types to check). */
export const isTypeScript = (file: string): boolean => TYPESCRIPT.test(file);

/** The user's file, resolved and checked to exist and to be TypeScript or JavaScript. */
export function resolveUserFile(file: string): string {
  const absolute = resolve(file);
  if (!existsSync(absolute)) throw new UserFileError(`${file}: no such file; give the path of a .ts file that exports Operators`);
  if (!statSync(absolute).isFile()) throw new UserFileError(`${file}: is a directory; give the path of a .ts file that exports Operators`);
  if (!TYPESCRIPT.test(absolute) && !JAVASCRIPT.test(absolute)) {
    throw new UserFileError(`${file}: not a TypeScript or JavaScript file; give a .ts (or .js) file that exports Operators`);
  }
  return absolute;
}

/**
 * File → nothing, or a UserFileError `file:line:col: error TSxxxx: message` for its first type
 * or syntax error (a `tsc --noEmit` restricted to this file). Uses the nearest tsconfig.json
 * when there is one, else strict NodeNext settings.
 */
export async function typeCheckUserFile(file: string): Promise<void> {
  const { Project, ts } = await import('ts-morph');
  const tsConfigFilePath = ts.findConfigFile(dirname(file), (path) => existsSync(path));
  const project = tsConfigFilePath
    ? new Project({ tsConfigFilePath, skipAddingFilesFromTsConfig: true })
    : new Project({
        compilerOptions: {
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.NodeNext,
          moduleResolution: ts.ModuleResolutionKind.NodeNext,
          strict: true,
          allowImportingTsExtensions: true,
          skipLibCheck: true,
          types: ['node'],
        },
      });
  const options = project.compilerOptions.get();
  const nodeModes = [ts.ModuleKind.Node16, ts.ModuleKind.Node18, ts.ModuleKind.Node20, ts.ModuleKind.NodeNext];
  if (options.module !== undefined && nodeModes.includes(options.module)) {
    // NOTE: ts-morph ignores package.json "type": "module" under Node16/NodeNext (ts-morph issue
    // #1446) and would reject import.meta and top-level await; tsx runs such files as ES modules,
    // so check them as ES modules. A resolution Node itself would refuse still fails at import.
    project.compilerOptions.set({ module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler });
  }
  project.compilerOptions.set({ noEmit: true });
  const source = project.addSourceFileAtPath(file);
  project.resolveSourceFileDependencies();
  const program = project.getProgram().compilerObject;
  const checked = program.getSourceFile(source.getFilePath());
  if (!checked) throw new Error(`internal: the TypeScript program lost ${file}`);
  const syntactic = program.getSyntacticDiagnostics(checked);
  const diagnostics = (syntactic.length > 0 ? syntactic : program.getSemanticDiagnostics(checked))
    .filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (diagnostics.length === 0) return;
  const [first] = diagnostics;
  const { line, character } = checked.getLineAndCharacterOfPosition(first!.start ?? 0);
  const text = ts.flattenDiagnosticMessageText(first!.messageText, ' ');
  const more = diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : '';
  throw new UserFileError(`${displayPath(file)}:${line + 1}:${character + 1}: error TS${first!.code}: ${text}${more}`);
}

/** `path:line:col` of the innermost stack frame in `file`, or of the first frame outside libraries. */
export function locateError(error: unknown, file: string): string | undefined {
  const stack = error instanceof Error ? error.stack ?? '' : '';
  const frames = [...stack.matchAll(/(?:\(|at )((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?$/gm)].map((m) => ({
    path: m[1]!.startsWith('file://') ? fileURLToPath(m[1]!) : m[1]!,
    line: m[2]!,
    column: m[3]!,
  }));
  const frame = frames.find((f) => f.path === file) ?? frames.find((f) => !f.path.includes('/node_modules/'));
  return frame ? `${displayPath(frame.path)}:${frame.line}:${frame.column}` : undefined;
}

/** True for errors of devito-ts classes, including those of another copy of the module. */
export function isDevitoErrorLike(error: unknown): error is Error {
  for (let proto = error; proto; proto = Object.getPrototypeOf(proto) as unknown) {
    if ((proto as { constructor?: { name?: string } }).constructor?.name === 'DevitoError') return true;
  }
  return false;
}

/** A throw from the user's code → a one-line UserFileError at the user's line. */
export function userCodeError(error: unknown, file: string, doing?: string): UserFileError {
  const where = locateError(error, file) ?? displayPath(file);
  const err = error instanceof Error ? error : new Error(String(error));
  // esbuild reports syntax errors as "Transform failed with 1 error:\n<file>:<line>:<col>: ERROR: …"
  const esbuild = /^Transform failed[^\n]*\n(.+)$/m.exec(err.message);
  if (esbuild) return new UserFileError(esbuild[1]!.replace(file, displayPath(file)), err);
  const firstLine = err.message.split('\n')[0]!;
  return new UserFileError(`${where}: ${err.name}: ${firstLine}${doing ? ` (${doing})` : ''}`, err);
}

/** Node runs TypeScript itself (22.6+ with type stripping on); Node 20 needs a loader. */
const nodeStripsTypes = (): boolean => Boolean((process.features as { typescript?: unknown }).typescript);

/**
 * Imports the user's file: JavaScript directly; TypeScript through tsx when it is installed (no
 * build step, the user's tsconfig paths honoured), else through Node's own type stripping when
 * this Node has it, else a one-line error saying what to install.
 */
export async function importUserFile(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  let load = (): Promise<unknown> => import(url);
  if (isTypeScript(file) && !nodeStripsTypes()) {
    const { tsImport } = await importOptional('tsx', `loading the TypeScript file ${displayPath(file)} on Node ${process.versions.node}`, () => import('tsx/esm/api'));
    load = () => tsImport(url, import.meta.url);
  }
  // Map stack frames back to the user's TypeScript lines.
  process.setSourceMapsEnabled(true);
  try {
    return (await load()) as Record<string, unknown>;
  } catch (error) {
    throw userCodeError(error, file);
  }
}

/** Any value → whether it has the shape of an Operator (of any copy of devito-ts). */
export function isOperatorLike(value: unknown): value is OperatorLike {
  if (value === null || typeof value !== 'object') return false;
  const op = value as Partial<OperatorLike>;
  return typeof op.name === 'string' && typeof op.ccode === 'string' && typeof op.compile === 'function' &&
    typeof op.kernel === 'object' && Array.isArray(op.kernel?.parameters);
}

/** An exported operator and how the file produced it. */
export interface FoundOperator {
  readonly operator: OperatorLike;
  readonly exportName: string;
  /** True when an exported function built it with the requested passes. */
  readonly fromFunction: boolean;
}

const isClass = (fn: unknown): boolean => typeof fn === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(fn));

/** Operators in a value: itself, an array of them, or a plain object's values (one level). */
function operatorsIn(value: unknown): OperatorLike[] {
  if (isOperatorLike(value)) return [value];
  if (Array.isArray(value)) return value.filter(isOperatorLike);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value).filter(isOperatorLike);
  }
  return [];
}

/**
 * Module exports → the Operators they hold, deduplicated. Exported functions (not classes) are
 * called with `{ passes }` and may return (a promise of) an Operator, an array or an object of them.
 */
export async function collectOperators(exports: Record<string, unknown>, file: string, passes: PassOptions): Promise<FoundOperator[]> {
  const found: FoundOperator[] = [];
  const seen = new Set<OperatorLike>();
  const add = (operators: readonly OperatorLike[], exportName: string, fromFunction: boolean): void => {
    for (const operator of operators) {
      if (seen.has(operator)) continue;
      seen.add(operator);
      found.push({ operator, exportName, fromFunction });
    }
  };
  for (const [exportName, value] of Object.entries(exports)) {
    if (typeof value === 'function' && !isClass(value)) {
      let result: unknown;
      try {
        result = await (value as (options: { passes: PassOptions }) => unknown)({ passes });
      } catch (error) {
        throw userCodeError(error, file, `calling the exported function ${exportName}`);
      }
      add(operatorsIn(result), exportName, true);
    } else {
      add(operatorsIn(value), exportName, false);
    }
  }
  return found;
}
