import type { Kernel } from '../ir/types.ts';
import { assertValidKernel } from '../ir/verify.ts';
import { blocking } from './blocking.ts';
import { eliminateCommonSubexpressions } from './cse.ts';
import { factorize } from './factorize.ts';
import { fixStrides } from './fixed-strides.ts';
import { hoistInvariants } from './hoist-invariants.ts';
import { parallelize } from './parallelize.ts';
import { timeTiling } from './time-tiling.ts';
import { unrollAndJam } from './unroll-and-jam.ts';
import { vectorWindows } from './vector-windows.ts';

/** Switches for the optimisation passes; all on by default. */
export interface PassOptions {
  /** Group finite-difference terms that share a weight (one multiply per weight). */
  readonly factorize: boolean;
  /** Move field-independent sub-expressions out of all loops. */
  readonly hoist: boolean;
  /** Share repeated sub-expressions within a loop nest. */
  readonly cse: boolean;
  /** Cache blocking of the two outer loops of 3D nests (block sizes are runtime arguments). */
  readonly blocking: boolean;
  /** Unroll-and-jam of the outer loop inside cache blocks (shares stencil loads between points). */
  readonly jam: boolean;
  /** Compile-time field extents in 3D kernels (constant row strides). */
  readonly fixedStrides: boolean;
  /** Time tiling of 3D time loops: several steps sweep the grid together (tile sizes are runtime arguments). */
  readonly timeTiling: boolean;
  /** OpenMP `parallel for` on the outer and `simd` on the inner space loop. */
  readonly openmp: boolean;
  /** Explicit 512-bit vectors for the inner loop, stencil rows shifted in registers (needs openmp). */
  readonly vectorWindows: boolean;
}

export const DEFAULT_PASSES: PassOptions = Object.freeze({ factorize: true, hoist: true, cse: true, blocking: true, jam: true, fixedStrides: true, timeTiling: true, openmp: true, vectorWindows: true });

export interface Pass {
  readonly option: keyof PassOptions;
  readonly run: (kernel: Kernel) => Kernel;
}

/** A pass by name, as {@link runPassList} runs it. */
export interface NamedPass {
  readonly name: string;
  readonly run: (kernel: Kernel) => Kernel;
}

/** The ordered pass list: each pass is a pure Kernel → Kernel function. */
export const PIPELINE: readonly Pass[] = [
  // Flop reduction first, while stencil sums still show their weights.
  { option: 'factorize', run: factorize },
  // Invariants first, so CSE does not spend temporaries on what leaves the loops anyway.
  { option: 'hoist', run: hoistInvariants },
  // Then sharing of what remains inside the nests (stencil sums used by several equations).
  { option: 'cse', run: eliminateCommonSubexpressions },
  // Tiling of the loop structure, once the bodies are final.
  { option: 'blocking', run: blocking },
  // Several time steps per sweep of the grid, so each tile streams the fields through memory once.
  { option: 'timeTiling', run: timeTiling },
  // Inside blocks, neighbouring outer points share a pass over the inner loops and their loads.
  { option: 'jam', run: unrollAndJam },
  // Constant strides, so the many rows of a jammed 3D stencil need no registers of their own.
  { option: 'fixedStrides', run: fixStrides },
  // Last: parallel and vector loops (collapsed over block loops when tiled).
  { option: 'openmp', run: parallelize },
  // The vector loop itself: one load per stencil row and pass, neighbours shifted in registers.
  { option: 'vectorWindows', run: vectorWindows },
];

/**
 * Verification of the loop tree after lowering and after every pass (`ir/verify.ts`): on when
 * DEVITO_TS_VERIFY is 1 (the test suite sets it), read once per pipeline run.
 */
export const verifyByDefault = (): boolean => process.env.DEVITO_TS_VERIFY === '1';

/**
 * Runs `passes` in order; with `verify`, checks the kernel as given (named `build`, what lowering
 * built) and after every pass that changed it, and throws an `InternalCompilerError` naming
 * the pass that broke the tree.
 */
export function runPassList(kernel: Kernel, passes: readonly NamedPass[], verify: boolean): Kernel {
  if (verify) assertValidKernel(kernel, 'build');
  return passes.reduce((current, pass) => {
    const next = pass.run(current);
    if (verify && next !== current) assertValidKernel(next, pass.name);
    return next;
  }, kernel);
}

/** Runs the enabled passes in order (verifying the tree after each when `verify`). */
export function runPasses(kernel: Kernel, options: PassOptions = DEFAULT_PASSES, verify = verifyByDefault()): Kernel {
  const enabled = PIPELINE.filter((pass) => options[pass.option]).map((pass) => ({ name: pass.option, run: pass.run }));
  return runPassList(kernel, enabled, verify);
}
