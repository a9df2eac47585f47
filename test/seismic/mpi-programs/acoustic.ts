/**
 * Run by test/seismic/mpi.test.ts under mpirun: the acoustic solver's forward, adjoint, Born,
 * stored-wavefield gradient and checkpointed gradient on a model split over the ranks and on a
 * whole copy in each process, sources and receivers on and beside the ranks' borders; prints one
 * JSON line per rank saying which results are bitwise equal.
 * Arguments: cases `ndim:mode[:full]`, e.g. `2:basic:full 3:overlap` (`full` adds Born and the
 * stored-wavefield gradient to forward, adjoint and the checkpointed gradient). Only rank 0 runs the whole model (the
 * split results are gathered on every rank) and prints.
 */
import { awaitTurn, clearTurns, finishTurn } from '../../support/rank-zero-turn.ts';
import { AcousticWaveSolver, AcquisitionGeometry, SeismicModel } from '../../../src/index.ts';
import { collectives, SELF, type Communicator } from '../../../src/dsl/parallel.ts';
import type { MpiMode } from '../../../src/ir/types.ts';

// 2D: padded 81 × 70, split at padded x 40|41 (physical 300|310 m: boxes of 41 and 40 points,
// so the ranks' checkpoint states differ in size) and y 34|35 (240|250 m).
// 3D: padded 42 × 40 × 38, split at x 20|21 (145 m) and y 19|20 (135 m).
function setupOf(ndim: number) {
  return ndim === 2
  ? { shape: [61, 50], nbl: 10, tn: 250, src: [[305, 245]], rec: [[300, 240], [310, 250], [305, 245], [300, 20], [600, 490], [0, 0], [123.4, 456.7]] }
  : { shape: [30, 28, 26], nbl: 6, tn: 120, src: [[145, 135, 100]], rec: [[140, 130, 100], [150, 140, 50], [145, 135, 100], [0, 0, 0], [290, 270, 250], [77.7, 33.3, 201.9]] };
}

function velocity(ndim: number): Float64Array {
  const setup = setupOf(ndim);
  const size = setup.shape.reduce((a, b) => a * b, 1);
  const depth = setup.shape[ndim - 1]!;
  // Layers along depth plus a lateral ripple: 1.5 … 2.6 km/s.
  return Float64Array.from({ length: size }, (_, i) => 1.5 + 0.8 * ((i % depth) / depth) + 0.3 * Math.sin(Math.floor(i / depth) * 0.37));
}

/** Forward steps of the checkpointed gradient, split and whole (slot counts may differ: the gradients may not). */
const forwardSteps = new Map<string, number>();

function run(ndim: number, mode: MpiMode, full: boolean, comm: Communicator | undefined): Record<string, Float32Array> {
  const setup = setupOf(ndim);
  const model = new SeismicModel({ vp: velocity(ndim), shape: setup.shape, spacing: setup.shape.map(() => 10), nbl: setup.nbl, spaceOrder: 4, ...(comm ? { comm } : {}) });
  const geometry = new AcquisitionGeometry(model, { srcCoordinates: setup.src, recCoordinates: setup.rec, t0: 0, tn: setup.tn, f0: 0.015 });
  const solver = new AcousticWaveSolver(model, geometry, { spaceOrder: 4, mpi: mode });
  const out: Record<string, Float32Array> = {};
  // `full`: every operator; otherwise forward, adjoint and the checkpointed gradient only (fewer kernels to compile).
  const { rec, u } = solver.forward({ save: full, nthreads: 1 });
  out.rec = rec.data.toArray() as Float32Array;
  out.u = (full ? u.data.global.toArray().slice(-model.grid.size) : u.data.global.toArray()) as Float32Array;
  const residual = geometry.newRec();
  residual.data.assign(Float32Array.from(out.rec, (v, i) => v * (1 + 0.1 * Math.sin(i))));
  const { srca, v } = solver.adjoint(residual, { nthreads: 1 });
  out.srca = srca.data.toArray() as Float32Array;
  out.v = v.data.global.toArray() as Float32Array;
  if (full) {
    const dm = Float64Array.from({ length: setup.shape.reduce((a, b) => a * b, 1) }, (_, i) => 0.01 * Math.cos(i * 0.011));
    out.born = solver.born(dm, { nthreads: 1 }).rec.data.toArray() as Float32Array;
    out.gradient = Float32Array.from(solver.gradient(residual, { u, nthreads: 1 }).grad);
  }
  // A budget of 6 of this rank's states: ranks with smaller boxes could afford more slots; they agree on the fewest.
  const stateBytes = solver.checkpointPlan({ nCheckpoints: 2 }).stateBytes;
  const checkpointed = solver.gradient(residual, { checkpointing: { memoryBudgetBytes: 6 * stateBytes }, nthreads: 1 });
  out.checkpointed = Float32Array.from(checkpointed.grad);
  forwardSteps.set(comm === undefined ? 'split' : 'whole', checkpointed.revolver?.forwardSteps ?? -1);
  forwardSteps.set('steps', geometry.nt - 2);
  return out;
}

const rank = Number(process.env.OMPI_COMM_WORLD_RANK ?? 0);
const bytes = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const cases = process.argv.slice(2);
if (rank === 0) clearTurns(cases);
for (const testCase of cases) {
  const [ndim, mode, what] = [Number(testCase.split(':')[0]), testCase.split(':')[1] as MpiMode, testCase.split(':')[2]];
  const split = run(ndim, mode, what === 'full', undefined);
  if (rank !== 0) {
    awaitTurn(testCase);
    continue;
  }
  const whole = run(ndim, mode, what === 'full', SELF);
  const result: Record<string, unknown> = { case: testCase };
  for (const key of Object.keys(whole)) {
    result[key] = split[key]!.length === whole[key]!.length && bytes(split[key]!).equals(bytes(whole[key]!));
    result[`${key}Norm`] = whole[key]!.reduce((s, x) => s + Math.abs(x), 0);
  }
  result.forwardSteps = forwardSteps.get('split');
  result.steps = forwardSteps.get('steps');
  if (split.gradient) result.gradientVsCheckpointed = bytes(split.gradient).equals(bytes(split.checkpointed!));
  console.log(JSON.stringify(result));
  finishTurn(testCase);
}
// Every rank has seen every flag once all reach the barrier: rank 0 removes them.
collectives().barrier(collectives().world());
if (rank === 0) clearTurns(cases);
