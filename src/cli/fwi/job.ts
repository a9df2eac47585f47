import { mkdirSync, rmdirSync } from 'node:fs';
import { writeFileAtomic } from '../../support/atomic-write.ts';
import { join } from 'node:path';
import type { FloatArray } from '../../dsl/dtype.ts';
import { SparseTimeFunction } from '../../dsl/sparse.ts';
import { writeNpy } from '../../io/npy.ts';
import { writeFigure } from '../../io/figure.ts';
import type { RevolverStats } from '../../revolve/revolver.ts';
import type { StorageSpec } from '../../revolve/storage/create.ts';
import { AcousticWaveSolver, type CheckpointingOptions } from '../../seismic/acoustic-solver.ts';
import { sumStats, type RevolverTotals } from './revolver-totals.ts';
import { AcquisitionGeometry } from '../../seismic/geometry.ts';
import { SeismicModel } from '../../seismic/model.ts';
import { readVelocityModel, saltModel, smoothModel, type VelocityModel } from './models.ts';
import { sweepProgress } from './progress.ts';
import { collectives } from '../../dsl/parallel.ts';
import {
  gatherShots, groupLeader, groupOf, myShot, roundCount, shotGroups, shotsOfRound, STAT_COUNT, statsFromNumbers, statsToNumbers, type ShotGroups,
} from './shot-groups.ts';

export interface FwiGradientOptions {
  /** A model file (.npy or raw float32 + JSON header); default: the built-in salt model. */
  readonly model?: string;
  /** Size of the built-in model, points along x and z (10 m spacing). */
  readonly nx: number;
  readonly nz: number;
  readonly shots: number;
  /** Recording time (ms) and peak frequency (kHz). */
  readonly tn: number;
  readonly f0: number;
  /** Checkpoint memory budget in bytes (per shot's adjoint sweep; per rank of a group whose model is split). */
  readonly memoryBytes: number;
  readonly storage: 'memory' | 'disk';
  readonly out: string;
  readonly spaceOrder: number;
  readonly nbl: number;
  readonly nthreads?: number;
  /** Draw progress bars (a terminal); otherwise one line per sweep. */
  readonly interactive: boolean;
  /**
   * Under mpirun: ranks per shot group (default 1; must divide the ranks). Groups take the shots
   * round-robin and a group's model is split over its ranks; the results are bitwise one process's.
   */
  readonly ranksPerShot?: number;
  /** Where the job's lines go (on world rank 0 only: the other ranks are silent). */
  readonly log: (line: string) => void;
}

export interface FwiGradientResult {
  readonly objective: number;
  readonly gradient: FloatArray;
  /** Files written, relative to `out` (none on the ranks other than world rank 0). */
  readonly files: readonly string[];
  /** The Revolver's counters summed over the shots (peaks: the largest shot's). */
  readonly revolver: RevolverTotals;
  readonly revolverPerShot: readonly RevolverStats[];
}

const norm = (values: ArrayLike<number>): number => {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]! ** 2;
  return Math.sqrt(sum);
};

/** Sources spread evenly over the surface, 20 m deep, away from the side edges. */
export function sourcePositions(model: VelocityModel, shots: number): number[][] {
  const width = (model.shape[0] - 1) * model.spacing[0];
  return Array.from({ length: shots }, (_, s) => [model.origin[0] + ((s + 0.5) / shots) * width, model.origin[1] + 20]);
}

/**
 * The main job: observed shots from the true model, then for each shot the predicted shot and
 * the FWI gradient (w.r.t. m = 1/vp²) in a smoothed starting model, the adjoint sweep run by the
 * Revolver under a checkpoint memory budget. Writes PNG figures and .npy arrays to `out`.
 */
export function runFwiGradient(options: FwiGradientOptions): FwiGradientResult {
  const { out } = options;
  // Before any work: a --ranks-per-shot that does not divide the ranks fails on every rank alike.
  const groups = shotGroups(options.ranksPerShot ?? 1);
  // One voice: the other ranks compute silently (their logs would repeat or interleave rank 0's).
  const log = groups.leader ? options.log : (): void => {};
  const interactive = groups.leader && options.interactive;
  const truth = options.model ? readVelocityModel(options.model, 10) : saltModel(options.nx, options.nz);
  const start = smoothModel(truth, Math.max(2, Math.min(truth.shape[0], truth.shape[1]) / 20));
  const [nx, nz] = truth.shape;
  mkdirSync(out, { recursive: true });

  const model = new SeismicModel({ vp: truth.vp, shape: truth.shape, spacing: truth.spacing, origin: truth.origin, nbl: options.nbl, spaceOrder: options.spaceOrder, dtype: 'float32', comm: groups.group });
  const receivers = Array.from({ length: nx }, (_, i) => [truth.origin[0] + i * truth.spacing[0], truth.origin[1] + 20]);
  const sources = sourcePositions(truth, options.shots);
  const geometry = new AcquisitionGeometry(model, { srcCoordinates: [sources[0]!], recCoordinates: receivers, t0: 0, tn: options.tn, f0: options.f0, srcType: 'Ricker' });
  const solver = new AcousticWaveSolver(model, geometry, { spaceOrder: options.spaceOrder });
  const threads = options.nthreads === undefined ? {} : { nthreads: options.nthreads };
  const points = model.paddedShape.reduce((a, b) => a * b, 1);
  log(`model     ${options.model ?? 'built-in salt model'}: ${nx} × ${nz} points at ${truth.spacing.join(' × ')} m, vp ${truth.vp.reduce((a, b) => Math.min(a, b)).toFixed(2)}–${truth.vp.reduce((a, b) => Math.max(a, b)).toFixed(2)} km/s; padded ${model.paddedShape.join(' × ')} (nbl ${options.nbl})`);
  log(`shots     ${options.shots} sources at 20 m depth, ${geometry.nrec} receivers; ${geometry.nt} samples of ${geometry.dt.toFixed(3)} ms to ${options.tn} ms, Ricker f0 = ${options.f0 * 1000} Hz, spaceOrder ${options.spaceOrder}`);
  if (groups.world.size > 1) log(`mpi       ${describeGroups(groups, model.grid.distributor?.topology)}`);

  const checkpointDirectory = join(out, 'checkpoints');
  const storage: StorageSpec = options.storage === 'disk' ? { kind: 'disk', directory: checkpointDirectory } : { kind: 'memory' };
  const nSteps = geometry.nt - 2;
  let forwardBar: ReturnType<typeof sweepProgress> | undefined;
  let reverseBar: ReturnType<typeof sweepProgress> | undefined;
  const checkpointing: CheckpointingOptions = {
    memoryBudgetBytes: options.memoryBytes,
    storage,
    onProgress: (phase, done) => (phase === 'forward' ? forwardBar : reverseBar)?.update(done),
  };
  const plan = solver.checkpointPlan(checkpointing);
  log(`memory    budget ${(options.memoryBytes / 2 ** 20).toFixed(1)} MiB, state ${(plan.stateBytes / 2 ** 20).toFixed(2)} MiB → ${plan.nCheckpoints} checkpoint slots (${plan.peakSlots} used) for ${nSteps} steps; predicted ${plan.forwardSteps} forward steps per shot (recompute factor ${plan.recomputeFactor.toFixed(2)})`);

  const gradient = new Float64Array(nx * nz);
  // A shot's gathered values: its misfit and Revolver counters, then its gradient.
  const SHOT_VALUES = 1 + STAT_COUNT;
  let objective = 0;
  const perShot: RevolverStats[] = [];
  const shown = Math.floor(options.shots / 2);
  const shownRecord = new Float32Array(geometry.nt * geometry.nrec);
  const wall = performance.now();
  try {
    for (let round = 0; round < roundCount(groups, options.shots); round++) {
      const roundShots = shotsOfRound(groups, round, options.shots);
      for (const shot of roundShots) log(`shot ${shot + 1}/${options.shots} at x = ${sources[shot]![0]!.toFixed(0)} m${groups.count > 1 ? ` (${describeRanks(groups, groupOf(groups, shot))})` : ''}`);
      const shot = myShot(groups, round, options.shots);
      const mine = new Map(shot === undefined ? [] : [[shot, runShot(shot)] as const]);
      // Every rank gets every shot of the round, and adds them up in shot order as one process does.
      const lengths = Array.from({ length: options.shots }, (_, s) => (roundShots.includes(s) ? SHOT_VALUES + nx * nz : 0));
      const results = gatherShots(groups, lengths, mine);
      roundShots.forEach((s) => {
        const values = results[s]!;
        const grad = values.subarray(SHOT_VALUES);
        for (let k = 0; k < gradient.length; k++) gradient[k]! += grad[k]!;
        const misfit = values[0]!;
        objective += misfit;
        const stats = statsFromNumbers(values.subarray(1, SHOT_VALUES));
        perShot.push(stats);
        log(`  ${roundShots.length > 1 ? `shot ${s + 1}: ` : ''}misfit ½‖d_pred − d_obs‖² = ${misfit.toExponential(3)}; ${stats.forwardSteps} forward + ${stats.reverseSteps} reverse steps, ${stats.saves} saves, peak ${stats.peakSlots} slots (${(stats.peakCheckpointBytes / 2 ** 20).toFixed(1)} MiB) of checkpoints`);
      });
      if (roundShots.includes(shown)) collectives().broadcast(groups.world, shownRecord, groupLeader(groups, groupOf(groups, shown)));
    }
  } finally {
    solver.releaseCheckpoints();
    // Every rank's storage is gone before the directory they share is removed.
    if (options.storage === 'disk') {
      collectives().barrier(groups.world);
      if (groups.leader) removeIfEmpty(checkpointDirectory);
    }
  }

  /**
   * One shot on this group's model: the observed record, the predicted one, and as one array the
   * residual's misfit, the Revolver's counters and the gradient (float32 values, exact in float64).
   */
  function runShot(shot: number): Float64Array {
    const src = new SparseTimeFunction({ name: 'src', grid: model.grid, npoint: 1, nt: geometry.nt, coordinates: [sources[shot]!] });
    src.data.raw.set(geometry.src.data.raw);

    model.update({ vp: truth.vp });
    const observed = solver.forward({ ...threads, src }).rec.data.toArray();
    if (shot === shown) shownRecord.set(observed);

    // The residual needs the predicted record: forward sweep (checkpoints kept), then the adjoint.
    model.update({ vp: start.vp });
    forwardBar = sweepProgress('forward (checkpoints)', nSteps, points, interactive, log);
    const run = solver.forwardWithCheckpoints({ ...threads, src, checkpointing });
    try {
      forwardBar.stop();
      const residual = geometry.newRec('residual');
      residual.data.assign(run.rec.data.toArray().map((p, i) => p - observed[i]!));
      const misfit = 0.5 * norm(residual.data.toArray()) ** 2;
      reverseBar = sweepProgress('adjoint (recompute)', nSteps, points, interactive, log);
      const { grad, revolver: stats } = run.gradient(residual);
      reverseBar.stop();
      const values = new Float64Array(SHOT_VALUES + grad.length);
      values.set([misfit, ...statsToNumbers(stats)]);
      values.set(grad, SHOT_VALUES);
      return values;
    } finally {
      run.release();
    }
  }

  const seconds = (performance.now() - wall) / 1000;
  const total = sumStats(perShot);
  const result = { objective, gradient: Float32Array.from(gradient), revolver: total, revolverPerShot: perShot };
  if (!groups.leader) return { ...result, files: [] };
  const files = writeOutputs(out, truth, start, gradient, shownRecord, geometry);
  writeFileAtomic(join(out, 'summary.json'), JSON.stringify({
    objective, gradientNorm: norm(gradient), seconds, shots: options.shots, shape: truth.shape, spacing: truth.spacing, nt: geometry.nt, dt: geometry.dt,
    ...(groups.world.size > 1 ? { mpi: { ranks: groups.world.size, ranksPerShot: groups.ranksPerShot, shotGroups: groups.count } } : {}),
    checkpointing: { storage: options.storage, memoryBudgetBytes: options.memoryBytes, ...plan, forwardStepsPerShot: plan.forwardSteps },
    revolverTotal: total,
    revolverPerShot: perShot,
  }, null, 2));
  files.push('summary.json');
  log(`objective ${objective.toExponential(4)}; ‖∇m‖ = ${norm(gradient).toExponential(4)}; ${seconds.toFixed(1)} s for ${options.shots} shots (checkpoint storage ${(total.storageMs / 1000).toFixed(2)} s, kernels ${((total.forwardMs + total.reverseMs) / 1000).toFixed(2)} s)`);
  log(`wrote     ${files.map((f) => join(out, f)).join('\n          ')}`);
  return { ...result, files };
}

/** World ranks of `group`, e.g. `ranks 2–3` (or `rank 2` for one rank per shot). */
function describeRanks(groups: ShotGroups, group: number): string {
  const first = groupLeader(groups, group);
  return groups.ranksPerShot === 1 ? `rank ${first}` : `ranks ${first}–${first + groups.ranksPerShot - 1}`;
}

/** The log line of the split: groups, their size, and how a group's model is split. */
export function describeGroups(groups: ShotGroups, topology: readonly number[] | undefined): string {
  const split = topology === undefined ? 'each holding the whole model' : `model split ${topology.join(' × ')} over a group`;
  return `${groups.world.size} ranks: ${groups.count} shot group${groups.count === 1 ? '' : 's'} of ${groups.ranksPerShot} rank${groups.ranksPerShot === 1 ? '' : 's'}, ${split}; shot s on group s mod ${groups.count}`;
}

/** Removes the checkpoint directory the job named, once the storage has removed its files. */
function removeIfEmpty(directory: string): void {
  try {
    rmdirSync(directory);
  } catch {
    // Not there, or holding files the job did not write: leave it.
  }
}

function writeOutputs(out: string, truth: VelocityModel, start: VelocityModel, gradient: Float64Array, record: Float32Array, geometry: AcquisitionGeometry): string[] {
  const [nx, nz] = truth.shape;
  const shape: [number, number] = [nx, nz];
  writeNpy(join(out, 'vp_true.npy'), truth.vp, shape);
  writeNpy(join(out, 'vp_start.npy'), start.vp, shape);
  writeNpy(join(out, 'gradient.npy'), Float32Array.from(gradient), shape);
  writeNpy(join(out, 'shot_record.npy'), record, [geometry.nt, geometry.nrec]);
  const space = { xAxis: { label: 'x (m)', start: truth.origin[0], step: truth.spacing[0] }, yAxis: { label: 'depth (m)', start: truth.origin[1], step: truth.spacing[1] } };
  writeFigure(join(out, 'vp_true.png'), truth.vp, shape, { ...space, colormap: 'viridis', title: 'True velocity', colorbar: { label: 'vp (km/s)' } });
  writeFigure(join(out, 'vp_start.png'), start.vp, shape, { ...space, colormap: 'viridis', title: 'Starting velocity', colorbar: { label: 'vp (km/s)' } });
  writeFigure(join(out, 'gradient.png'), gradient, shape, { ...space, colormap: 'seismic', clipPercentile: 98, title: 'FWI gradient', colorbar: { label: 'dJ/dm' } });
  // The record is [time, receiver]: rows run down in time. Every k-th sample keeps it about square.
  const every = Math.max(1, Math.round(geometry.nt / geometry.nrec));
  const rows = Math.ceil(geometry.nt / every);
  const shown = new Float32Array(rows * geometry.nrec);
  for (let t = 0; t < rows; t++) shown.set(record.subarray(t * every * geometry.nrec, (t * every + 1) * geometry.nrec), t * geometry.nrec);
  writeFigure(join(out, 'shot_record.png'), shown, [rows, geometry.nrec], {
    layout: 'rows', colormap: 'seismic', clipPercentile: 98, title: 'Shot record',
    xAxis: { label: 'receiver x (m)', start: geometry.recCoordinates[0]!, step: truth.spacing[0] },
    yAxis: { label: 'time (s)', start: geometry.t0 / 1000, step: (every * geometry.dt) / 1000 },
  });
  return ['vp_true.png', 'vp_start.png', 'shot_record.png', 'gradient.png', 'vp_true.npy', 'vp_start.npy', 'shot_record.npy', 'gradient.npy'];
}
