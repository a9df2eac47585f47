// Subdomain-restricted updates and snapshotting forward runs against the plain whole-grid kernel,
// in GPts/s per updated point (issue 12's goal: >= 95%). Kernels timed interleaved, best of REPEATS.
// Usage: npx tsx bench/subdomains.ts [size] [steps] [spaceOrder]
import { ConditionalDimension, Eq, Operator, TimeFunction } from '../src/index.ts';
import { DT, VP, acousticProblem } from './acoustic-op.ts';

const [size = 160, steps = 24, spaceOrder = 8] = process.argv.slice(2).map(Number);
const REPEATS = Number(process.env.REPEATS ?? 5);
const NTHREADS = Number(process.env.NTHREADS ?? 2);

const { grid, u, m, eq } = acousticProblem(size, spaceOrder);
m.data.fill(1 / VP ** 2);
const interior = new Eq(eq.lhs, eq.rhs, { subdomain: grid.interior });
const factor = 4;
const tsub = new ConditionalDimension({ name: 'tsub', parent: grid.time, factor });
const usave = new TimeFunction({ name: 'usave', grid, timeOrder: 2, spaceOrder, save: Math.ceil((steps + 2) / factor), timeDim: tsub });

const kernels = [
  { name: 'whole grid', op: new Operator([eq], { name: 'whole' }), points: grid.size },
  { name: 'grid.interior', op: new Operator([interior], { name: 'interior' }), points: (size - 2) ** 3 },
  { name: `whole + snapshots /${factor}`, op: new Operator([eq, new Eq(usave, u)], { name: 'snapshots' }), points: grid.size },
];
const best = kernels.map(() => 0);
for (const k of kernels) k.op.compile();
for (let r = 0; r < REPEATS; r++) {
  kernels.forEach((k, i) => {
    u.data.fill(0);
    u.data.set(1, size >> 1, size >> 1, size >> 1, 1);
    const summary = k.op.apply({ timeMin: 1, timeMax: steps, dt: DT, nthreads: NTHREADS });
    best[i] = Math.max(best[i]!, (k.points * summary.timesteps) / summary.elapsedSeconds / 1e9);
  });
}
console.log(`${size}³ float32, spaceOrder ${spaceOrder}, ${steps} steps, ${NTHREADS} threads, best of ${REPEATS} (interleaved)`);
kernels.forEach((k, i) => console.log(`${k.name.padEnd(24)} ${best[i]!.toFixed(2)} GPts/s per updated point  ${(100 * best[i]! / best[0]!).toFixed(1)}%`));
