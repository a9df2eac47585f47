import { Eq } from '../dsl/eq.ts';
import { Function, TimeFunction } from '../dsl/functions.ts';
import { Grid } from '../dsl/grid.ts';
import { solve } from '../dsl/solve.ts';
import { InvalidArgumentError } from '../errors.ts';
import { Operator, type PerformanceSummary } from '../operator.ts';
import { CFL_SAFETY, stabilityLimit } from '../seismic/stability.ts';

export interface DemoOptions {
  readonly size: number;
  readonly steps: number;
  readonly spaceOrder: number;
  readonly nthreads?: number;
  readonly log: (line: string) => void;
}

/**
 * 2D acoustic wave propagation in a two-layer medium (1.5 km/s over 2.5 km/s, 10 m cells) from
 * a Gaussian pressure pulse; prints progress and the kernel's performance summary.
 */
export function runWaveDemo(options: DemoOptions): { summary: PerformanceSummary; energy: number } {
  const { size, steps, spaceOrder, log } = options;
  if (!Number.isInteger(size) || size < 16) throw new InvalidArgumentError(`--size must be an integer >= 16, got ${size}`);
  if (!Number.isInteger(steps) || steps < 1) throw new InvalidArgumentError(`--steps must be a positive integer, got ${steps}`);
  const spacing = 10;
  const grid = new Grid({ shape: [size, size], extent: [(size - 1) * spacing, (size - 1) * spacing] });
  const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder });
  const m = new Function({ name: 'm', grid, spaceOrder });
  const vp = new Float32Array(size * size);
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) vp[i * size + j] = j < size / 2 ? 1.5 : 2.5;
  m.data.assign(vp.map((v) => 1 / (v * v)));

  // The seismic layer's critical step for the fastest layer: CFL_SAFETY of the leapfrog limit.
  const dt = CFL_SAFETY * stabilityLimit([spacing, spacing], spaceOrder, 2.5);
  const pulse = new Float32Array(size * size);
  const centre = size / 4;
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) {
    pulse[i * size + j] = Math.exp(-(((i - size / 2) ** 2 + (j - centre) ** 2) / 8));
  }
  const slots = new Float32Array(3 * size * size);
  slots.set(pulse, 0);
  slots.set(pulse, size * size);
  u.data.assign(slots);

  const op = new Operator([new Eq(u.forward, solve(m.mul(u.dt2).sub(u.laplace), u.forward))], { name: 'acoustic2d' });
  log(`devito-ts demo: 2D acoustic wave, ${size}×${size} grid, spaceOrder ${spaceOrder}, ${steps} steps, dt = ${dt.toFixed(3)} ms`);
  log(`operator built in ${(op.buildSeconds * 1000).toFixed(1)} ms (lowering + C generation)`);
  const compiled = op.compile();
  log(compiled.cacheHit ? `kernel loaded from cache (${compiled.path})` : `gcc compiled the kernel in ${compiled.compileSeconds.toFixed(2)} s`);

  let elapsed = 0;
  let summary: PerformanceSummary | undefined;
  const chunk = Math.max(1, Math.ceil(steps / 10));
  for (let start = 1; start <= steps; start += chunk) {
    const end = Math.min(start + chunk - 1, steps);
    summary = op.apply({ timeMin: start, timeMax: end, dt, ...(options.nthreads ? { nthreads: options.nthreads } : {}) });
    elapsed += summary.elapsedSeconds;
    log(`  steps ${String(end).padStart(6)} / ${steps}  ${(summary.gpointsPerSecond).toFixed(3)} GPts/s`);
  }
  const slot = u.slotOf(steps + 1);
  const last = u.data.toArray().subarray(slot * size * size, (slot + 1) * size * size);
  let energy = 0;
  for (const value of last) energy += value * value;
  if (!Number.isFinite(energy)) throw new Error('the wavefield blew up (non-finite values)');
  const points = size * size * steps;
  const total: PerformanceSummary = {
    ...summary!,
    elapsedSeconds: elapsed,
    timesteps: steps,
    gpointsPerSecond: points / elapsed / 1e9,
    gflopsPerSecond: (points * op.flopsPerPoint) / elapsed / 1e9,
  };
  log('');
  log(`kernel time     ${total.elapsedSeconds.toFixed(3)} s on ${total.nthreads} thread(s)`);
  log(`throughput      ${total.gpointsPerSecond.toFixed(3)} GPts/s`);
  log(`arithmetic      ${total.gflopsPerSecond.toFixed(2)} GFlops/s (${op.flopsPerPoint} flops/point)`);
  log(`final ‖u‖²      ${energy.toExponential(4)}`);
  return { summary: total, energy };
}
