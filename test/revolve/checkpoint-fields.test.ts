import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Checkpoint, CheckpointOperator, Eq, Function, Grid, Operator, Revolver, TimeFunction, solve } from '../../src/index.ts';
import type { StorageSpec } from '../../src/revolve/index.ts';

const directories: string[] = [];
afterAll(() => directories.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A 2D acoustic forward Operator with a Gaussian start; `reference` holds u at every time index. */
function setup(nTimesteps: number) {
  const n = 41;
  const grid = new Grid({ shape: [n, n], extent: [400, 400] });
  const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder: 8 });
  const m = new Function({ name: 'm', grid, spaceOrder: 8 });
  m.data.fill(1 / 1.5 ** 2);
  const op = new Operator([new Eq(u.forward, solve(m.mul(u.dt2).sub(u.laplace), u.forward))], { name: 'cp_forward' });
  const initial = new Float32Array(3 * n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const g = Math.exp(-((i - 20) ** 2 + (j - 17) ** 2) / 6);
    initial[i * n + j] = g;
    initial[n * n + i * n + j] = g; // slot 1 is time index −1 … only slots 0 and 2 matter at state 0
    initial[2 * n * n + i * n + j] = 0.9 * g;
  }
  const slice = (t: number): Float32Array => u.data.toArray().slice((((t % 3) + 3) % 3) * n * n, ((((t % 3) + 3) % 3) + 1) * n * n) as Float32Array;
  u.data.assign(initial);
  const reference: Float32Array[] = [slice(0)];
  for (let t = 0; t < nTimesteps; t++) {
    op.apply({ timeMin: t, timeMax: t, dt: 1.2 });
    reference.push(slice(t + 1));
  }
  u.data.assign(initial);
  return { u, m, op, reference, slice };
}

describe('Checkpoint of fields + CheckpointOperator driving a real kernel under the Revolver', () => {
  const nTimesteps = 40;
  const storages: [string, () => StorageSpec][] = [
    ['memory', () => ({ kind: 'memory' })],
    ['disk', () => {
      const directory = mkdtempSync(join(tmpdir(), 'devito-ts-cp-'));
      directories.push(directory);
      return { kind: 'disk', directory };
    }],
  ];
  for (const [label, storage] of storages) {
    for (const nCheckpoints of [1, 3, 7, nTimesteps + 1]) {
      it(`${label}, ${nCheckpoints} slots: at reverse step t the live u(t+1) and u(t) are bitwise the full-history ones`, () => {
        const { u, op, reference, slice } = setup(nTimesteps);
        const checkpoint = new Checkpoint([u]);
        // timeOrder 2: two of the three ring slots per state.
        expect(checkpoint.nbytes).toBe((2 * u.data.raw.byteLength) / 3);
        const forward = new CheckpointOperator(op, { dt: 1.2 });
        const visited: number[] = [];
        let mismatches = 0;
        const reverse = {
          apply(t: number): void {
            visited.push(t);
            const now = slice(t + 1);
            const before = slice(t);
            if (!Buffer.from(now.buffer).equals(Buffer.from(reference[t + 1]!.buffer))) mismatches++;
            if (!Buffer.from(before.buffer).equals(Buffer.from(reference[t]!.buffer))) mismatches++;
            // The ring slot outside the state holds garbage as far as the schedule is concerned.
            for (let j = 0; j < 41; j++) u.data.set((t + 2) % 3, 20, j, -1);
          },
        };
        const revolver = new Revolver({ checkpoint, forward, reverse, nTimesteps, nCheckpoints, storage: storage() });
        revolver.applyForward();
        expect(Buffer.from(slice(nTimesteps).buffer).equals(Buffer.from(reference[nTimesteps]!.buffer))).toBe(true);
        revolver.applyReverse();
        revolver.close();
        expect(mismatches).toBe(0);
        expect(visited).toEqual(Array.from({ length: nTimesteps }, (_, i) => nTimesteps - 1 - i));
        expect(revolver.stats.forwardSteps).toBe(revolver.plan.forwardSteps);
        expect(revolver.stats.peakSlots).toBeLessThanOrEqual(nCheckpoints);
        if (nCheckpoints === 1) expect(revolver.stats.forwardSteps).toBeGreaterThan(nTimesteps * 10);
        if (nCheckpoints === nTimesteps + 1) expect(revolver.stats.forwardSteps).toBe(nTimesteps);
      });
    }
  }
});
