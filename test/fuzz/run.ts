/**
 * One fuzz case: generate, evaluate in the reference, build, compile, run with each thread
 * count, compare. Classifies the outcome; a crash (signal) is the caller's to detect.
 */
import { buildProgram, runBuilt } from './build.ts';
import { compareResults, largestMagnitude, type Mismatch } from './compare.ts';
import { generateProgram, type GenerateOptions } from './generate.ts';
import type { Program } from './program.ts';
import { runReference } from './reference.ts';

export type OutcomeKind = 'ok' | 'wrong' | 'gcc' | 'internal' | 'skipped';

export interface Outcome {
  readonly seed: number;
  readonly kind: OutcomeKind;
  /** What went wrong (first mismatches, the error message), empty when ok. */
  readonly detail: string;
  /** Thread count of the first failing run, for the repro. */
  readonly nthreads?: number;
}

/**
 * Values beyond these make a program meaningless as a test (float32 intermediates could
 * overflow): such a program is reported as skipped, never as passed.
 */
const MAGNITUDE_LIMIT = { float32: 1e18, float64: 1e150 } as const;

function describe(mismatches: readonly Mismatch[]): string {
  return mismatches.slice(0, 4)
    .map((m) => `${m.array}[${m.index}]: got ${m.got}, expected ${m.expected} (tolerance ${m.tolerance.toExponential(2)})`)
    .join('; ');
}

const message = (error: unknown): string => (error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error));

/** Runs `program`; `corrupt` (tests only) perturbs the kernel's results to prove mismatches are caught. */
export function runProgram(program: Program, corrupt?: (fields: Map<string, Float64Array>) => void): Outcome {
  const seed = program.seed;
  const reference = runReference(program);
  const peak = largestMagnitude(reference);
  if (!(peak <= MAGNITUDE_LIMIT[program.dtype])) return { seed, kind: 'skipped', detail: `reference values reach ${peak}` };
  let built;
  try {
    built = buildProgram(program);
  } catch (error) {
    return { seed, kind: 'internal', detail: `building: ${message(error)}` };
  }
  try {
    built.operator.compile();
  } catch (error) {
    const kind = error instanceof Error && error.constructor.name === 'CompilationError' ? 'gcc' : 'internal';
    return { seed, kind, detail: message(error).split('\n').slice(0, 12).join('\n') };
  }
  for (const nthreads of program.threads) {
    let result;
    try {
      result = runBuilt(program, built, nthreads);
    } catch (error) {
      return { seed, kind: 'internal', detail: `apply: ${message(error)}`, nthreads };
    }
    corrupt?.(result.fields);
    const mismatches = compareResults(result, reference);
    if (mismatches.length > 0) return { seed, kind: 'wrong', detail: describe(mismatches), nthreads };
  }
  return { seed, kind: 'ok', detail: '' };
}

export function runSeed(seed: number, options: GenerateOptions): Outcome {
  let program: Program;
  try {
    program = generateProgram(seed, options);
  } catch (error) {
    return { seed, kind: 'internal', detail: `generator: ${message(error)}` };
  }
  try {
    return runProgram(program);
  } catch (error) {
    return { seed, kind: 'internal', detail: `fuzzer: ${message(error)}` };
  }
}
