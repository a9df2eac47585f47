import { describe, expect, it } from 'vitest';
import { Eq, Function, Grid, Operator, SubDimension, SubDomain, TimeFunction } from '../../src/index.ts';
import { nodesOf, timeLoopOf } from '../../src/ir/visit.ts';
import { bufferOf, fillSeeded, maxAbsDiff } from '../helpers.ts';

/** The four faces of a 2D grid as one-point-thick subdomains. */
function faces(): SubDomain[] {
  return [
    new SubDomain({ name: 'west', extents: { x: ['left', 1] } }),
    new SubDomain({ name: 'east', extents: { x: ['right', 1] } }),
    new SubDomain({ name: 'south', extents: { y: ['left', 1] } }),
    new SubDomain({ name: 'north', extents: { y: ['right', 1] } }),
  ];
}

describe('subdomains', () => {
  it('2D heat equation: update on grid.interior, Dirichlet faces set by equations on the faces, against a reference loop (float64)', () => {
    const [nx, ny] = [13, 11];
    const grid = new Grid({ shape: [nx, ny], extent: [1.2, 1.0], dtype: 'float64', subdomains: faces() });
    const u = new TimeFunction({ name: 'u', grid, spaceOrder: 2 });
    const [hx, hy] = grid.spacing as [number, number];
    const dt = 0.2 * Math.min(hx, hy) ** 2;
    const boundary = { west: 1, east: -0.5, south: 0.25, north: 2 };
    const op = new Operator([
      new Eq(u.forward, u.add(u.laplace.mul(dt)), { subdomain: grid.interior }),
      // Program order: the faces are set after the interior update, corners by the last face.
      ...Object.entries(boundary).map(([name, value]) => new Eq(u.forward, value, { subdomain: name })),
    ], { name: 'heat_faces' });
    fillSeeded(u.data.raw, 3);
    const initial = u.data.toArray().slice(0, nx * ny);
    const steps = 30;
    op.apply({ timeMin: 0, timeMax: steps - 1, dt });

    // Reference: the same update in plain loops.
    let cur = Float64Array.from(initial);
    for (let t = 0; t < steps; t++) {
      const next = Float64Array.from(cur);
      for (let i = 1; i < nx - 1; i++) {
        for (let j = 1; j < ny - 1; j++) {
          const c = cur[i * ny + j]!;
          const lap = (cur[(i - 1) * ny + j]! - 2 * c + cur[(i + 1) * ny + j]!) / hx ** 2 + (cur[i * ny + j - 1]! - 2 * c + cur[i * ny + j + 1]!) / hy ** 2;
          next[i * ny + j] = c + dt * lap;
        }
      }
      for (let j = 0; j < ny; j++) { next[j] = boundary.west; next[(nx - 1) * ny + j] = boundary.east; }
      for (let i = 0; i < nx; i++) { next[i * ny] = boundary.south; next[i * ny + ny - 1] = boundary.north; }
      cur = next;
    }
    const result = u.data.toArray().subarray((steps % 2) * nx * ny, (steps % 2 + 1) * nx * ny);
    expect(maxAbsDiff(result, cur)).toBeLessThanOrEqual(1e-12);
    // The interior moved away from the initial data (the test would not see a no-op).
    expect(maxAbsDiff(result, initial)).toBeGreaterThan(0.1);
  });

  it('3D: blocked, time-tiled and vectorised restricted nests give bitwise the results of the unoptimised kernel', () => {
    const grid = new Grid({ shape: [14, 12, 37], subdomains: [new SubDomain({ name: 'top', extents: { z: ['left', 20] } })] });
    const [x, , z] = grid.dimensions;
    const strip = new SubDomain({ name: 'strip', dimensions: [SubDimension.right({ name: 'xr', parent: x!, thickness: 3 }), SubDimension.middle({ name: 'zm', parent: z!, left: 5, right: 7 })] });
    const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder: 4 });
    const m = new Function({ name: 'm', grid, spaceOrder: 4 });
    const build = (passes: object) => new Operator([
      new Eq(u.forward, u.mul(2).sub(u.backward).add(m.mul(u.laplace).mul(0.05)), { subdomain: grid.interior }),
      new Eq(u.forward, u.forward.mul(0.5), { subdomain: strip }),
      new Eq(u.forward, m.mul(0.25), { subdomain: 'top' }),
    ], { name: 'restricted3d', passes });
    const fast = build({});
    // The passes that only reorder loops (the arithmetic passes change round-off, by design).
    const plain = build({ blocking: false, timeTiling: false, jam: false, fixedStrides: false, openmp: false, vectorWindows: false });
    expect(timeLoopOf(fast.kernel)?.role).toBe('timeTile');
    const vectors = nodesOf(fast.kernel.body, (n) => n.kind === 'vector');
    expect(vectors.length).toBeGreaterThan(0);
    const run = (op: Operator): Buffer => {
      fillSeeded(u.data.raw, 11);
      fillSeeded(m.data.raw, 5, 0.5);
      const tiles = op === fast ? { time_tile_size: 3, x_wave_size: 2, x0_blk0_size: 4, y0_blk0_size: 8 } : {};
      op.apply({ timeMin: 1, timeMax: 9, nthreads: 2, ...tiles });
      return Buffer.from(bufferOf(u.data.raw));
    };
    const expected = run(plain);
    expect(run(fast).equals(expected)).toBe(true);
    // The top layer is m/4, the interior a wave update: a kernel ignoring the bounds would differ.
    const level = 10 % 3;
    expect(u.data.get(level, 12, 6, 0)).toBe(Math.fround(0.25 * m.data.get(12, 6, 0)));
    expect(u.data.get(level, 6, 6, 19)).toBe(Math.fround(0.25 * m.data.get(6, 6, 19)));
    expect(u.data.get(level, 6, 6, 20)).not.toBe(Math.fround(0.25 * m.data.get(6, 6, 20)));
    // Rows of 35 (interior) and 20 (top) points end with an overlapping vector pass.
    expect(vectors.filter((v) => v.kind === 'vector' && v.tail).length).toBeGreaterThanOrEqual(2);
  });

  it('SubDimension.left/right/middle restrict an equation to their strips (Devito bounds)', () => {
    const grid = new Grid({ shape: [9, 8] });
    const [x, y] = grid.dimensions as [NonNullable<(typeof grid.dimensions)[0]>, NonNullable<(typeof grid.dimensions)[0]>];
    const f = new Function({ name: 'f', grid });
    const corner = new SubDomain({ name: 'corner', dimensions: [SubDimension.left({ name: 'xl', parent: x, thickness: 2 }), SubDimension.right({ name: 'yr', parent: y, thickness: 3 })] });
    const band = new SubDomain({ name: 'band', dimensions: [SubDimension.middle({ name: 'xi', parent: x, left: 3, right: 4 })] });
    new Operator([new Eq(f, 1, { subdomain: corner }), new Eq(f, f.add(10), { subdomain: band })], { name: 'strips' }).apply({});
    for (let i = 0; i < 9; i++) {
      for (let j = 0; j < 8; j++) {
        const expected = (i < 2 && j >= 5 ? 1 : 0) + (i >= 3 && i <= 4 ? 10 : 0);
        expect(f.data.get(i, j)).toBe(expected);
      }
    }
  });
});
