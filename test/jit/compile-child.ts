/**
 * Child process for test/jit/cache.test.ts: waits at a file barrier until all siblings are
 * ready, then compiles (into a shared cache directory) and runs a small operator; prints JSON.
 * Usage: node --import tsx compile-child.ts <cacheDir> <barrierDir> <participants> <tag>
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Eq, Grid, Operator, TimeFunction } from '../../src/index.ts';

const [cacheDir, barrierDir, participants, tag] = process.argv.slice(2) as [string, string, string, string];

/** The operator both children build: u⁺ = 0.5·(u[x−1] + u[x+1]) + 1, tagged so it is new to any cache. */
export function buildChildOperator(dir: string, label: string): { op: Operator; u: TimeFunction } {
  const grid = new Grid({ shape: [16] });
  const u = new TimeFunction({ name: 'u', grid, timeOrder: 1, spaceOrder: 2 });
  const value = u.at(-1).add(u.at(1)).mul(0.5).add(1);
  return { op: new Operator([new Eq(u.forward, value)], { name: `concurrent_${label}`, compiler: { cacheDir: dir } }), u };
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

if (cacheDir !== undefined && barrierDir !== undefined) {
  const { op, u } = buildChildOperator(cacheDir, tag);
  writeFileSync(join(barrierDir, `ready-${process.pid}`), '');
  const deadline = Date.now() + 20_000;
  while (readdirSync(barrierDir).filter((f) => f.startsWith('ready-')).length < Number(participants)) {
    if (Date.now() > deadline) throw new Error('barrier timeout');
    sleep(2);
  }
  const library = op.compile();
  u.data.fill(2);
  op.apply({ timeMin: 0, timeMax: 0, nthreads: 1 });
  const result = Array.from(u.data.toArray());
  process.stdout.write(JSON.stringify({ pid: process.pid, path: library.path, cacheHit: library.cacheHit, exists: existsSync(library.path), result }));
}
