import { mkdirSync } from 'node:fs';
import { AcousticWaveSolver } from '../../seismic/acoustic-solver.ts';
import { AcquisitionGeometry } from '../../seismic/geometry.ts';
import { SeismicModel } from '../../seismic/model.ts';
import { CFL_SAFETY } from '../../seismic/stability.ts';
import { fwi, type FwiIteration } from '../../seismic/inversion/fwi.ts';
import type { StopReason } from '../../seismic/inversion/optimise.ts';
import type { MuteOptions } from '../../seismic/inversion/precondition.ts';
import { rtm } from '../../seismic/inversion/rtm.ts';
import { modelShots, type Shot } from '../../seismic/inversion/shots.ts';
import { describeGroups, sourcePositions } from './job.ts';
import { SALT_MODEL } from '../../seismic/presets.ts';
import { saltModel } from './models.ts';
import { startingModel } from './start-model.ts';
import { InversionOutputs } from './inversion-outputs.ts';
import { shotPassProgress, type ShotPassProgress } from './progress.ts';
import { shotGroups, shotsOfGroup, shotSharing } from './shot-groups.ts';

export interface FwiJobOptions {
  /** Size of the built-in salt model, points along x and z (10 m spacing). */
  readonly nx: number;
  readonly nz: number;
  readonly shots: number;
  /** Accepted L-BFGS updates. */
  readonly iterations: number;
  /** Recording time (ms) and Ricker peak frequency (kHz). */
  readonly tn: number;
  readonly f0: number;
  /** [vmin, vmax] in km/s: every model tried lies inside; vmax also sets dt. */
  readonly bounds: readonly [number, number];
  /** Largest velocity change of one trial update, km/s (default fwi's: 5% of vmax − vmin). */
  readonly maxStep?: number;
  /** Checkpoint memory budget in bytes, per shot (each shot's solver keeps its checkpoints between evaluations). */
  readonly memoryBytes: number;
  readonly out: string;
  readonly spaceOrder: number;
  readonly nbl: number;
  /** Standard deviation (m) of the blur of the starting model's sediments (default 100 m; see start-model.ts). */
  readonly smoothing?: number;
  /** Also migrate the data in the starting model (default true). */
  readonly rtm?: boolean;
  readonly nthreads?: number;
  /** Draw progress bars (a terminal); otherwise one line per pass over the shots. */
  readonly interactive: boolean;
  /**
   * Under mpirun: ranks per shot group (default 1; must divide the ranks). The groups take the
   * shots round-robin, a group's model is split over its ranks; the results are bitwise one process's.
   */
  readonly ranksPerShot?: number;
  /** Where the job's lines go (on world rank 0 only: the other ranks are silent). */
  readonly log: (line: string) => void;
}

export interface FwiJobResult {
  /** Misfit Σ½‖d_pred − d_obs‖² of the starting model, then after each iteration. */
  readonly misfit: readonly number[];
  /** ‖vp − vp_true‖₂ / ‖vp_true‖₂ of the starting model, then after each iteration. */
  readonly modelError: readonly number[];
  /** The final velocity (km/s, [nx, nz] row-major). */
  readonly vp: Float64Array;
  readonly iterations: number;
  /** Objective evaluations (each a forward and an adjoint sweep per shot), line searches included. */
  readonly evaluations: number;
  readonly reason: StopReason;
  /** Wall times of the phases, seconds. */
  readonly seconds: { readonly observed: number; readonly rtm: number; readonly fwi: number; readonly total: number; readonly perIteration: readonly number[] };
  /** Files written, relative to `out`. */
  readonly files: readonly string[];
}

/** Relative L2 distance of `vp` to the truth. */
function relativeError(vp: ArrayLike<number>, truth: ArrayLike<number>): number {
  let d = 0;
  let t = 0;
  for (let i = 0; i < truth.length; i++) {
    d += (vp[i]! - truth[i]!) ** 2;
    t += truth[i]! ** 2;
  }
  return Math.sqrt(d / t);
}

/** Standard deviation (m) of the starting model's blur. */
export const DEFAULT_SMOOTHING = 100;

const since = (start: number): number => (performance.now() - start) / 1000;

/**
 * The FWI main job: observed shots modelled in the salt model, an RTM image and a few projected
 * L-BFGS iterations from the smoothed model, every gradient checkpointed under the memory budget
 * and preconditioned by a water-layer mute and the source illumination (without those, the
 * shallow gradient and the source imprints swamp the salt). Writes figures, arrays and
 * summary.json to `out` as it goes (each model as its iteration ends).
 */
export function runFwi(options: FwiJobOptions): FwiJobResult {
  const { bounds } = options;
  // Before any work: a --ranks-per-shot that does not divide the ranks fails on every rank alike.
  const groups = shotGroups(options.ranksPerShot ?? 1);
  // Several groups: each computes its shots (shot s on group s mod count) and every rank gets every
  // shot's result, combined in shot order as one process does. One group: every rank on every shot.
  const sharing = groups.count > 1 ? { shotGroups: shotSharing(groups) } : {};
  // The shots world rank 0's group computes: the ones its progress bars see.
  const shotsSeen = shotsOfGroup(groups, groups.index, options.shots).length;
  // One voice and one writer: every rank runs the same inversion (the library's results are whole on every rank).
  const log = groups.leader ? options.log : (): void => {};
  const interactive = groups.leader && options.interactive;
  const wall = performance.now();
  const truth = saltModel(options.nx, options.nz);
  const sigma = (options.smoothing ?? DEFAULT_SMOOTHING) / truth.spacing[1];
  const start = startingModel(truth, Math.max(1, sigma));
  const [nx, nz] = truth.shape;
  mkdirSync(options.out, { recursive: true });
  const outputs = new InversionOutputs(options.out, truth, bounds, groups.leader);
  outputs.model('vp_true', truth.vp, 'True velocity');
  outputs.model('vp_start', start.vp, 'Starting velocity (iteration 0)');

  // The inversion's model knows only the starting velocity; the observed data come from the truth.
  const model = new SeismicModel({ vp: start.vp, shape: truth.shape, spacing: truth.spacing, origin: truth.origin, nbl: options.nbl, spaceOrder: options.spaceOrder, dtype: 'float32', comm: groups.group });
  // dt stable up to the upper bound, so every model the optimiser may try runs with it, and for
  // the true model, which models the observed data with the same geometry.
  const dt = CFL_SAFETY * model.stabilityLimit(options.spaceOrder, Math.max(bounds[1], SALT_MODEL.salt));
  const receivers = Array.from({ length: nx }, (_, i) => [truth.origin[0] + i * truth.spacing[0], truth.origin[1] + 20]);
  const geometries = sourcePositions(truth, options.shots).map((source) => new AcquisitionGeometry(model, {
    srcCoordinates: [source], recCoordinates: receivers, t0: 0, tn: options.tn, f0: options.f0, srcType: 'Ricker', dt,
  }));
  const { nt } = geometries[0]!;
  const threads = options.nthreads === undefined ? {} : { nthreads: options.nthreads };
  const solver = { spaceOrder: options.spaceOrder };
  log(`model     built-in salt model: ${nx} × ${nz} points at ${truth.spacing.join(' × ')} m, vp ${Math.min(...truth.vp).toFixed(2)}–${Math.max(...truth.vp).toFixed(2)} km/s; start: water kept, sediments blurred (σ = ${(sigma * truth.spacing[1]).toFixed(0)} m), no salt; padded ${model.paddedShape.join(' × ')} (nbl ${options.nbl})`);
  log(`shots     ${options.shots} sources at 20 m depth, ${nx} receivers; ${nt} samples of ${dt.toFixed(3)} ms to ${options.tn} ms, Ricker f0 = ${options.f0 * 1000} Hz, spaceOrder ${options.spaceOrder}`);
  if (groups.world.size > 1) log(`mpi       ${describeGroups(groups, model.grid.distributor?.topology)}`);

  let t0 = performance.now();
  const shots: Shot[] = modelShots({ model, geometries, vp: truth.vp, solver, ...threads, ...sharing });
  const observedSeconds = since(t0);
  log(`observed  ${options.shots} shots modelled in the true model, ${observedSeconds.toFixed(2)} s`);

  // One bar per pass over the shots, started by the first sweep and ended by the last shot's adjoint.
  let pass: ShotPassProgress | undefined;
  let passLabel = '';
  let shotsDone = 0;
  let onPassEnd: () => string = () => '';
  const checkpointing = {
    memoryBudgetBytes: options.memoryBytes,
    onProgress: (phase: 'forward' | 'reverse', done: number, total: number): void => {
      pass ??= shotPassProgress(passLabel, shotsSeen, interactive, log);
      pass.sweep(phase, done, total);
      if (phase === 'reverse' && done === total && ++shotsDone === shotsSeen) {
        pass.stop(onPassEnd());
        pass = undefined;
        shotsDone = 0;
      }
    },
  };
  // The plan every shot's Revolver follows (fwi-gradient's line; the solver builds no operator for it).
  const plan = new AcousticWaveSolver(model, geometries[0]!, solver).checkpointPlan({ memoryBudgetBytes: options.memoryBytes });
  log(`memory    budget ${(options.memoryBytes / 2 ** 20).toFixed(1)} MiB per shot, state ${(plan.stateBytes / 2 ** 20).toFixed(2)} MiB → ${plan.nCheckpoints} checkpoint slots (${plan.peakSlots} used) for ${nt - 2} steps; ${plan.forwardSteps} forward steps per gradient (recompute factor ${plan.recomputeFactor.toFixed(2)})`);
  const mute: MuteOptions = { waterVelocity: 1.51, taper: 5 * truth.spacing[1] };

  let rtmSeconds = 0;
  if (options.rtm !== false) {
    t0 = performance.now();
    passLabel = 'RTM (start model)';
    onPassEnd = () => `${options.shots} shots migrated`;
    // No Laplacian filter: at this size its response at the model's sides and bottom outshines the salt.
    const image = rtm({ model, shots, subtractModelled: true, illumination: true, mute, checkpointing, solver, ...threads, ...sharing });
    rtmSeconds = since(t0);
    outputs.image('rtm', image.image, 'RTM image (starting model)', 'image');
  }

  t0 = performance.now();
  const misfit: number[] = [];
  const modelError = [relativeError(start.vp, truth.vp)];
  const perIteration: number[] = [];
  let evaluation = 0;
  let iterationStart = performance.now();
  passLabel = 'evaluation 1';
  onPassEnd = () => `${options.shots} shots: forward + adjoint`;
  log(`fwi       ${options.iterations} projected L-BFGS iterations, bounds [${bounds.join(', ')}] km/s, water mute (sea floor + ${mute.taper} m taper), illumination compensation`);
  const result = fwi({
    model, shots, iterations: options.iterations, bounds, method: 'lbfgs', mute, illumination: true, checkpointing, solver, ...threads, ...sharing,
    ...(options.maxStep === undefined ? {} : { maxStep: options.maxStep }),
    precondition: (gradient) => {
      // The first gradient, in the starting model: the figure the issue asked to show the salt in.
      if (evaluation === 0) outputs.image('gradient', gradient, 'First FWI gradient (muted, illumination compensated)', 'dJ/dvp');
      evaluation++;
      passLabel = `evaluation ${evaluation + 1}`;
      return gradient;
    },
    onIteration: (info: FwiIteration) => {
      if (misfit.length === 0) misfit.push(info.previousMisfit);
      misfit.push(info.misfit);
      modelError.push(relativeError(info.vp, truth.vp));
      perIteration.push(since(iterationStart));
      iterationStart = performance.now();
      outputs.model(`vp_iteration_${info.iteration}`, info.vp, `Velocity after iteration ${info.iteration}`);
      const drop = (1 - info.misfit / info.previousMisfit) * 100;
      log(`iteration ${info.iteration}/${options.iterations}: misfit ${info.misfit.toExponential(4)} (−${drop.toFixed(1)}%), model error ${(modelError.at(-1)! * 100).toFixed(2)}%, step ${info.step.toPrecision(3)}, max |Δvp| ${info.change.toFixed(3)} km/s, ${info.evaluations} evaluations, ${perIteration.at(-1)!.toFixed(2)} s`);
    },
  });
  const fwiSeconds = since(t0);
  if (misfit.length === 0) misfit.push(...result.history);
  const total = since(wall);
  outputs.misfit(misfit, modelError);
  outputs.summary({
    model: { shape: truth.shape, spacing: truth.spacing, nbl: options.nbl, spaceOrder: options.spaceOrder },
    acquisition: { shots: options.shots, receivers: nx, nt, dt, tn: options.tn, f0: options.f0 },
    inversion: { method: 'lbfgs', bounds, iterations: result.iterations, evaluations: result.evaluations, reason: result.reason, mute, illumination: true },
    checkpointing: { memoryBudgetBytesPerShot: options.memoryBytes, ...plan },
    misfit,
    modelError,
    seconds: { observed: observedSeconds, rtm: rtmSeconds, fwi: fwiSeconds, perIteration, total },
    ...(groups.world.size > 1 ? { mpi: { ranks: groups.world.size, ranksPerShot: groups.ranksPerShot, shotGroups: groups.count } } : {}),
  });
  log(`misfit    ${misfit.map((m) => m.toExponential(3)).join(' → ')} (${((1 - misfit.at(-1)! / misfit[0]!) * 100).toFixed(1)}% lower)`);
  log(`model     error ${modelError.map((e) => `${(e * 100).toFixed(2)}%`).join(' → ')}`);
  log(`time      ${total.toFixed(1)} s: observed data ${observedSeconds.toFixed(1)} s, RTM ${rtmSeconds.toFixed(1)} s, FWI ${fwiSeconds.toFixed(1)} s (${result.evaluations} evaluations of ${options.shots} shots)`);
  log(`wrote     ${outputs.paths().join('\n          ')}`);
  return {
    misfit, modelError, vp: result.vp, iterations: result.iterations, evaluations: result.evaluations, reason: result.reason,
    seconds: { observed: observedSeconds, rtm: rtmSeconds, fwi: fwiSeconds, total, perIteration }, files: outputs.files,
  };
}
