/**
 * The two phases of a checkpointed FWI gradient: the forward sweep, which stores checkpoints and
 * records the shot, and any number of reverse sweeps, one per residual (FWI knows the residual only
 * once it has the shot record).
 *
 * Cost of repeated adjoints. A binomial reverse sweep overwrites the forward sweep's checkpoints:
 * the slots that held them are reused for the recomputed states in between (all slots are in use
 * at the peak), so after one reverse sweep nothing of the forward sweep is left. Keeping them
 * read-only would take slots from the reverse sweep (more recomputation) or memory beyond the
 * budget. So the first `gradient` runs only the reverse sweep, and each later one runs the forward
 * sweep again (`n` steps and its saves, no record sampling) before its reverse sweep: the cost of
 * a one-call gradient, minus sampling the last record step. The same holds when another modelling
 * call of the solver used its wavefield or source in between: the run notices and recomputes.
 */
import type { FloatArray } from '../dsl/dtype.ts';
import type { TimeFunction } from '../dsl/functions.ts';
import type { SparseTimeFunction } from '../dsl/sparse.ts';
import { CheckpointReleasedError } from '../errors.ts';
import type { PerformanceSummary } from '../operator.ts';
import type { Revolver, RevolverPlan, RevolverStats } from '../revolve/revolver.ts';
import { defaultThreads } from '../runtime/arguments.ts';
import type { ModellingSummary } from './summary.ts';

/** What `run.gradient(residual)` returns (as `solver.gradient` with checkpointing does). */
export interface CheckpointedGradient {
  readonly grad: FloatArray;
  /** The solver's adjoint wavefield after the sweep (overwritten by the next call). */
  readonly v: TimeFunction;
  readonly summary: ModellingSummary;
  /** The Revolver's counters of this gradient: the forward sweep it relied on, and its reverse sweep. */
  readonly revolver: RevolverStats;
}

/** A forward sweep whose checkpoints are kept for reverse sweeps (`solver.forwardWithCheckpoints`). */
export interface CheckpointedForward {
  /** The shot record of the forward sweep (a copy: the run owns it). */
  readonly rec: SparseTimeFunction;
  /** Kernel time of the forward sweep. */
  readonly summary: ModellingSummary;
  /** The Revolver's plan: slots, predicted forward steps, checkpoint bytes. */
  readonly plan: RevolverPlan;
  /** False after `release()`. */
  readonly active: boolean;
  /**
   * Residual (receiver data) → the FWI gradient w.r.t. m, bitwise the one-call
   * `solver.gradient(residual, { checkpointing })`. May be called again with another residual;
   * each call after the first recomputes the forward sweep (see the module note for the cost).
   */
  gradient(residual: SparseTimeFunction): CheckpointedGradient;
  /** Frees the checkpoints (memory storage is kept by the solver for its next run); idempotent. */
  release(): void;
}

/** What a run needs from its solver; the solver builds it. */
export interface RunParts {
  readonly revolver: Revolver;
  /** Zeroes the wavefield and loads the run's source; call before each forward sweep. */
  readonly startForward: () => void;
  /** Samples the last record step after the forward sweep and returns a copy of the record. */
  readonly finishForward: () => SparseTimeFunction;
  /** Loads the residual, zeroes v and the gradient. */
  readonly startReverse: (residual: SparseTimeFunction) => void;
  /** The gradient after the reverse sweep (physical shape). */
  readonly finishReverse: () => FloatArray;
  readonly v: () => TimeFunction;
  readonly points: number;
  readonly nthreads: number | undefined;
  /** Runs `body` under the run's model (override applied and stability checked) with its progress callback. */
  readonly withModel: (what: string, body: () => PerformanceSummary[]) => PerformanceSummary;
  /** True while the solver's wavefield still holds this run's last forward state. */
  readonly holdsLiveState: () => boolean;
  /** Marks the solver's wavefield as holding this run's state (true) or nobody's (false). */
  readonly claimLiveState: (mine: boolean) => void;
  /** Hands the Revolver back to the solver (kept for reuse, or closed). */
  readonly dispose: () => void;
}

/** Runs the forward sweep of `parts` and returns the run; on failure the Revolver is handed back. */
export function startCheckpointedRun(parts: RunParts): CheckpointedForward {
  let rec: SparseTimeFunction | undefined;
  let summary: PerformanceSummary;
  try {
    summary = parts.withModel('forwardWithCheckpoints', () => {
      parts.startForward();
      parts.revolver.applyForward();
      rec = parts.finishForward();
      parts.claimLiveState(true);
      return [sweepSummary(parts, parts.revolver.stats)];
    });
  } catch (error) {
    parts.dispose();
    throw error;
  }
  return new CheckpointedRun(parts, rec!, summary);
}

class CheckpointedRun implements CheckpointedForward {
  readonly plan: RevolverPlan;
  private released = false;

  constructor(private readonly parts: RunParts, readonly rec: SparseTimeFunction, readonly summary: ModellingSummary) {
    this.plan = parts.revolver.plan;
  }

  get active(): boolean {
    return !this.released;
  }

  gradient(residual: SparseTimeFunction): CheckpointedGradient {
    if (this.released) throw new CheckpointReleasedError('gradient: this forwardWithCheckpoints run was released; run solver.forwardWithCheckpoints again');
    const { parts } = this;
    const { revolver } = parts;
    let grad: FloatArray | undefined;
    const summary = parts.withModel('gradient', () => {
      if (!parts.holdsLiveState()) {
        // The checkpoints were consumed by an earlier reverse sweep, or the wavefield was reused.
        parts.startForward();
        revolver.applyForward();
      }
      parts.claimLiveState(false);
      parts.startReverse(residual);
      revolver.applyReverse();
      grad = parts.finishReverse();
      return [sweepSummary(parts, revolver.stats)];
    });
    return { grad: grad!, v: parts.v(), summary, revolver: revolver.stats };
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.parts.claimLiveState(false);
    this.parts.dispose();
  }
}

/** A Revolver run as a performance summary: kernel time of its sweeps over the steps they took. */
function sweepSummary(parts: RunParts, stats: RevolverStats): PerformanceSummary {
  const elapsedSeconds = (stats.forwardMs + stats.reverseMs) / 1000;
  const timesteps = stats.forwardSteps + stats.reverseSteps;
  return {
    elapsedSeconds,
    gpointsPerSecond: elapsedSeconds > 0 ? (parts.points * timesteps) / elapsedSeconds / 1e9 : 0,
    gflopsPerSecond: 0,
    operationalIntensity: 0,
    timesteps,
    points: parts.points,
    nthreads: parts.nthreads ?? defaultThreads(),
    sections: [
      { name: 'forward sweeps', seconds: stats.forwardMs / 1000 },
      { name: 'reverse sweep', seconds: stats.reverseMs / 1000 },
      { name: 'checkpoint storage', seconds: stats.storageMs / 1000 },
    ],
  };
}
