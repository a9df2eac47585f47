// One shot over a 2D layered model: observed data from the true model, then the FWI objective
// and its gradient with respect to m = 1/vp² from a smoothed starting model. Prints norms and
// times.
//
//   node --import tsx examples/layered-gradient.ts [--nx 201] [--nz 101] [--tn 1000] [--threads N]
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AcousticWaveSolver, AcquisitionGeometry, SeismicModel } from '../src/index.ts';

export interface LayeredExampleOptions {
  /** Physical points along x and z (10 m spacing). */
  readonly nx: number;
  readonly nz: number;
  /** Recording time in ms. */
  readonly tn: number;
  readonly nthreads?: number;
  readonly log: (line: string) => void;
}

export interface LayeredExampleResult {
  readonly objective: number;
  readonly gradNorm: number;
  readonly observedNorm: number;
}

/** Three flat layers (1.5, 2.0, 2.5 km/s) at one and two thirds of the depth. */
function layered(nx: number, nz: number): Float64Array {
  const vp = new Float64Array(nx * nz);
  for (let i = 0; i < nx; i++) for (let j = 0; j < nz; j++) vp[i * nz + j] = j < nz / 3 ? 1.5 : j < (2 * nz) / 3 ? 2.0 : 2.5;
  return vp;
}

/** Moving average of half-width `radius` along z: the starting model knows the trend, not the interfaces. */
function smoothInDepth(vp: Float64Array, nx: number, nz: number, radius: number): Float64Array {
  const out = new Float64Array(vp.length);
  for (let i = 0; i < nx; i++) for (let j = 0; j < nz; j++) {
    let sum = 0;
    let count = 0;
    for (let k = Math.max(0, j - radius); k <= Math.min(nz - 1, j + radius); k++, count++) sum += vp[i * nz + k]!;
    out[i * nz + j] = sum / count;
  }
  return out;
}

const norm = (values: ArrayLike<number>): number => {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]! ** 2;
  return Math.sqrt(sum);
};

/** Runs the example: forward in the true model, forward (saved) + gradient in the smooth one. */
export function runLayeredExample(options: LayeredExampleOptions): LayeredExampleResult {
  const { nx, nz, tn, log } = options;
  const h = 10;
  const trueVp = layered(nx, nz);
  const model = new SeismicModel({ vp: trueVp, shape: [nx, nz], spacing: [h, h], origin: [0, 0], nbl: 40, spaceOrder: 8, dtype: 'float32' });
  const width = (nx - 1) * h;
  const geometry = new AcquisitionGeometry(model, {
    srcCoordinates: [[width / 2, 20]],
    recCoordinates: Array.from({ length: nx }, (_, i) => [i * h, 20]),
    t0: 0, tn, f0: 0.010, srcType: 'Ricker',
  });
  const solver = new AcousticWaveSolver(model, geometry, { spaceOrder: 8 });
  const threads = options.nthreads === undefined ? {} : { nthreads: options.nthreads };
  log(`model    ${nx} × ${nz} points, 10 m, nbl 40 → padded ${model.paddedShape.join(' × ')}; vp 1.5 / 2.0 / 2.5 km/s`);
  log(`geometry 1 source at (${width / 2}, 20) m, ${geometry.nrec} receivers at 20 m depth; ${geometry.nt} samples, dt = ${geometry.dt.toFixed(3)} ms (critical ${model.criticalDt.toFixed(3)} ms), f0 = 10 Hz`);

  const time = <T>(body: () => T): [T, number] => {
    const start = performance.now();
    const value = body();
    return [value, (performance.now() - start) / 1000];
  };
  const [observed, observedSeconds] = time(() => solver.forward(threads));
  const observedData = observed.rec.data.toArray();
  log(`forward  (true model)      ${observedSeconds.toFixed(3)} s wall, kernel ${observed.summary.elapsedSeconds.toFixed(3)} s, ${observed.summary.gpointsPerSecond.toFixed(3)} GPts/s; ‖d_obs‖ = ${norm(observedData).toExponential(4)}`);

  const startVp = smoothInDepth(trueVp, nx, nz, 15);
  const [predicted, predictedSeconds] = time(() => solver.forward({ ...threads, vp: startVp, save: true }));
  const residual = geometry.newRec('residual');
  const predictedData = predicted.rec.data.toArray();
  residual.data.assign(predictedData.map((p, i) => p - observedData[i]!));
  const residualNorm = norm(residual.data.toArray());
  const objective = 0.5 * residualNorm ** 2;
  log(`forward  (smooth, saved)   ${predictedSeconds.toFixed(3)} s wall, kernel ${predicted.summary.elapsedSeconds.toFixed(3)} s, ${predicted.summary.gpointsPerSecond.toFixed(3)} GPts/s; ‖d_pred‖ = ${norm(predictedData).toExponential(4)}`);
  log(`residual ‖d_pred − d_obs‖ = ${residualNorm.toExponential(4)}, objective ½‖·‖² = ${objective.toExponential(4)}`);

  const [{ grad, summary }, gradientSeconds] = time(() => solver.gradient(residual, { ...threads, vp: startVp, u: predicted.u }));
  const gradNorm = norm(grad);
  let peak = 0;
  for (const g of grad) peak = Math.max(peak, Math.abs(g));
  log(`gradient                   ${gradientSeconds.toFixed(3)} s wall, kernel ${summary.elapsedSeconds.toFixed(3)} s, ${summary.gpointsPerSecond.toFixed(3)} GPts/s; ‖∇m‖ = ${gradNorm.toExponential(4)}, max |∇m| = ${peak.toExponential(4)}`);
  return { objective, gradNorm, observedNorm: norm(observedData) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { nx: { type: 'string', default: '201' }, nz: { type: 'string', default: '101' }, tn: { type: 'string', default: '1000' }, threads: { type: 'string' } } });
  runLayeredExample({
    nx: Number(values.nx), nz: Number(values.nz), tn: Number(values.tn),
    ...(values.threads === undefined ? {} : { nthreads: Number(values.threads) }),
    log: (line) => console.log(line),
  });
}
