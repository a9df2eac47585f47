import { describe, expect, it } from 'vitest';
import { ApplyArgumentError, Eq, Grid, GridMismatchError, InvalidArgumentError, Operator, SparseTimeFunction, TimeFunction } from '../../src/index.ts';

/** Deterministic pseudo-random numbers in [-1, 1). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  };
}

describe('sparse points: inject and interpolate', () => {
  for (const ndim of [1, 2, 3] as const) {
    it(`${ndim}D: interpolation of a linear field is exact at off-grid points (and on the far walls)`, () => {
      const shape = [13, 11, 9].slice(0, ndim);
      const grid = new Grid({ shape, extent: shape.map((n) => (n - 1) * 7.5), origin: [3, -4, 1].slice(0, ndim), dtype: 'float64' });
      const u = new TimeFunction({ name: 'u', grid, spaceOrder: 2 });
      const rand = random(ndim);
      const npoint = 7;
      const coords: number[][] = [];
      for (let p = 0; p < npoint; p++) coords.push(shape.map((n, d) => grid.origin[d]! + (p === 0 ? 1 : (rand() + 1) / 2) * grid.extent[d]!));
      const rec = new SparseTimeFunction({ name: 'rec', grid, npoint, nt: 3, coordinates: coords });
      const slope = [1.5, -2.25, 0.75];
      const linear = (x: readonly number[]): number => 0.5 + x.reduce((s, xi, d) => s + slope[d]! * xi, 0);
      const values: number[] = [];
      const size = shape.reduce((a, b) => a * b, 1);
      for (let slot = 0; slot < 2; slot++) {
        for (let k = 0; k < size; k++) {
          const index: number[] = [];
          let rest = k;
          for (let d = ndim - 1; d >= 0; d--) { index.unshift(rest % shape[d]!); rest = Math.floor(rest / shape[d]!); }
          values.push(linear(index.map((i, d) => grid.origin[d]! + i * grid.spacing[d]!)) * (slot + 1));
        }
      }
      u.data.assign(values);
      new Operator([rec.interpolate({ expr: u })], { name: `interp${ndim}d` }).apply({ timeMin: 1, timeMax: 2 });
      for (let p = 0; p < npoint; p++) {
        expect(Math.abs(rec.data.get(1, p) - 2 * linear(coords[p]!))).toBeLessThan(1e-11);
        expect(Math.abs(rec.data.get(2, p) - linear(coords[p]!))).toBeLessThan(1e-11); // slot 2 % 2 = 0
      }
    });

    it(`${ndim}D: inject is the adjoint of interpolate: ⟨Iᵀd, u⟩ = ⟨d, Iu⟩ to 1e-13`, () => {
      const shape = [17, 15, 12].slice(0, ndim);
      const grid = new Grid({ shape, extent: shape.map((n) => (n - 1) * 10), dtype: 'float64' });
      const rand = random(100 + ndim);
      const npoint = 9;
      const coords = Array.from({ length: npoint }, () => shape.map((_, d) => ((rand() + 1) / 2) * grid.extent[d]!));
      const u = new TimeFunction({ name: 'u', grid });
      const v = new TimeFunction({ name: 'v', grid });
      const d = new SparseTimeFunction({ name: 'd', grid, npoint, nt: 1, coordinates: coords });
      const q = new SparseTimeFunction({ name: 'q', grid, npoint, nt: 1, coordinates: coords });
      const size = shape.reduce((a, b) => a * b, 1);
      const uValues = Array.from({ length: 2 * size }, () => rand());
      u.data.assign(uValues);
      const dValues = Array.from({ length: npoint }, () => rand());
      d.data.assign(dValues);
      new Operator([q.interpolate({ expr: u })], { name: `gather${ndim}d` }).apply({ timeMin: 0, timeMax: 0 });
      new Operator([d.inject({ field: v, expr: d })], { name: `scatter${ndim}d` }).apply({ timeMin: 0, timeMax: 0 });
      const Iu = q.data.toArray();
      const ITd = v.data.toArray();
      let lhs = 0;
      let rhs = 0;
      for (let p = 0; p < npoint; p++) lhs += dValues[p]! * Iu[p]!;
      for (let k = 0; k < size; k++) rhs += ITd[k]! * uValues[k]!;
      expect(Math.abs(lhs)).toBeGreaterThan(1e-3);
      expect(Math.abs(lhs - rhs) / Math.abs(lhs)).toBeLessThan(1e-13);
    });
  }

  it('rejects points outside the domain, at construction and (after in-place edits) before C runs', () => {
    const grid = new Grid({ shape: [11, 11], extent: [100, 100] });
    expect(() => new SparseTimeFunction({ name: 's', grid, npoint: 1, nt: 2, coordinates: [[50, 100.5]] })).toThrow(GridMismatchError);
    expect(() => new SparseTimeFunction({ name: 's', grid, npoint: 1, nt: 2, coordinates: [[50, 100.5]] })).toThrow(/outside the domain \[0, 100\]/);
    const u = new TimeFunction({ name: 'u', grid });
    const s = new SparseTimeFunction({ name: 's', grid, npoint: 1, nt: 2, coordinates: [[50, 50]] });
    const op = new Operator([new Eq(u.forward, u), s.inject({ field: u.forward, expr: s })], { name: 'inject_check' });
    s.coordinates[1] = -1;
    s.data.fill(1);
    expect(() => op.apply({ timeMin: 0, timeMax: 0 })).toThrow(ApplyArgumentError);
    expect(u.data.toArray().every((value) => value === 0)).toBe(true);
    s.coordinates[1] = 50;
    expect(() => op.apply({ timeMin: 0, timeMax: 2 })).toThrow(/beyond s's 2 time samples/);
  });

  it('refuses staggered fields (their points sit h/2 off the nodes the weights assume)', () => {
    const grid = new Grid({ shape: [11, 11], extent: [100, 100] });
    const [x] = grid.dimensions;
    const vx = new TimeFunction({ name: 'vx', grid, staggered: x });
    const s = new SparseTimeFunction({ name: 's', grid, npoint: 1, nt: 2, coordinates: [[50, 50]] });
    expect(() => s.inject({ field: vx.forward, expr: s })).toThrow(/vx is staggered; sparse operations sample fields on the grid nodes/);
    expect(() => s.interpolate({ expr: vx.mul(2) })).toThrow(InvalidArgumentError);
  });
});
