/**
 * Run by test/seismic/mpi.test.ts under mpirun: the TTI forward and stored-wavefield gradient,
 * the visco-acoustic and the elastic forwards on a 2D model split over the ranks, against the
 * whole model in rank 0; the source and receivers sit beside the ranks' border. Rank 0 prints
 * one JSON line saying which records and gradients are bitwise equal.
 */
import { AcquisitionGeometry, ElasticWaveSolver, SeismicModel, TTIWaveSolver, ViscoacousticWaveSolver } from '../../../src/index.ts';
import { collectives, SELF, type Communicator } from '../../../src/dsl/parallel.ts';
import { awaitTurn, clearTurns, finishTurn } from '../../support/rank-zero-turn.ts';

// Padded 70 × 60: split at padded x 34|35 (physical 245 m) on 2 ranks.
const shape = [50, 40];
const size = shape[0]! * shape[1]!;
const ripple = (i: number): number => Math.sin(i * 0.37);

function run(comm: Communicator | undefined): Record<string, Float32Array> {
  const model = new SeismicModel({
    vp: Float64Array.from({ length: size }, (_, i) => 1.5 + (i % 40) / 40 + 0.1 * ripple(i)),
    epsilon: 0.2, delta: 0.1, theta: Float64Array.from({ length: size }, (_, i) => 0.3 + 0.2 * ripple(i)),
    qp: 50, vs: Float64Array.from({ length: size }, (_, i) => 0.6 + (i % 40) / 100), rho: 1.5,
    shape, spacing: [10, 10], nbl: 10, spaceOrder: 4, ...(comm ? { comm } : {}),
  });
  const geometry = new AcquisitionGeometry(model, {
    srcCoordinates: [[245, 195]], recCoordinates: [[240, 190], [250, 200], [245, 100], [10, 10]], tn: 150, f0: 0.015, dt: 0.9 * TTIWaveSolver.criticalDt(model, 4),
  });
  const tti = new TTIWaveSolver(model, geometry, { spaceOrder: 4 });
  const forward = tti.forward({ save: true, nthreads: 1 });
  const residual = geometry.newRec();
  residual.data.assign(forward.rec.data.toArray());
  const elastic = new ElasticWaveSolver(model, geometry, { spaceOrder: 4 }).forward({ nthreads: 1 });
  return {
    tti: forward.rec.data.toArray() as Float32Array,
    ttiGradient: Float32Array.from(tti.gradient(residual, { p: forward.p, r: forward.r, nthreads: 1 }).grad),
    visco: new ViscoacousticWaveSolver(model, geometry, { spaceOrder: 4 }).forward({ nthreads: 1 }).rec.data.toArray() as Float32Array,
    elasticPressure: elastic.rec1.data.toArray() as Float32Array,
    elasticVz: elastic.rec2.data.toArray() as Float32Array,
  };
}

const rank = Number(process.env.OMPI_COMM_WORLD_RANK ?? 0);
if (rank === 0) clearTurns(['whole']);
const split = run(undefined);
if (rank !== 0) awaitTurn('whole');
if (rank === 0) {
  const whole = run(SELF);
  const bytes = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(whole)) {
    result[key] = bytes(split[key]!).equals(bytes(whole[key]!));
    result[`${key}Norm`] = whole[key]!.reduce((s, x) => s + Math.abs(x), 0);
  }
  console.log(JSON.stringify(result));
}
if (rank === 0) finishTurn('whole');
collectives().barrier(collectives().world());
if (rank === 0) clearTurns(['whole']);
