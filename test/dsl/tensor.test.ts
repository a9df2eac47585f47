import { describe, expect, it } from 'vitest';
import {
  Eq, Function, Grid, InvalidArgumentError, ShapeError, SolveError, TensorFunction, TensorTimeFunction, TimeFunction,
  VectorExpr, VectorFunction, VectorTimeFunction, curl, diag, div, grad, solve, type Expr,
} from '../../src/index.ts';

const grid = new Grid({ shape: [6, 5] });
const [x, y] = grid.dimensions as [typeof grid.dimensions[0], typeof grid.dimensions[0]];
const keys = (v: { exprs: readonly Expr[] }): string[] => v.exprs.map((e) => e.key);

describe('vector and tensor fields', () => {
  it('VectorTimeFunction: component i is named v_<dim> and staggered along dimension i', () => {
    const v = new VectorTimeFunction({ name: 'v', grid, spaceOrder: 4, timeOrder: 1 });
    expect(v.components.map((c) => c.name)).toEqual(['v_x', 'v_y']);
    expect(v.components.map((c) => c.stagger)).toEqual([[0.5, 0], [0, 0.5]]);
    expect(v.components.every((c) => c instanceof TimeFunction && c.spaceOrder === 4)).toBe(true);
    expect(keys(v.forward)).toEqual(v.components.map((c) => c.forward.key));
    expect(keys(v.backward)).toEqual(v.components.map((c) => c.backward.key));
    expect(keys(v.dt)).toEqual(v.components.map((c) => c.dt.key));
    const w = new VectorFunction({ name: 'w', grid });
    expect(w.components.every((c) => c instanceof Function && !(c instanceof TimeFunction))).toBe(true);
  });

  it('symmetric TensorTimeFunction (default): diagonal on nodes, (i, j) staggered along i and j, one field for (i, j) and (j, i)', () => {
    const tau = new TensorTimeFunction({ name: 'tau', grid });
    const c = tau.components;
    expect(c[0]![1]).toBe(c[1]![0]);
    expect(c.flat().map((f) => f.name)).toEqual(['tau_xx', 'tau_xy', 'tau_xy', 'tau_yy']);
    expect(c.flat().map((f) => f.stagger)).toEqual([[0, 0], [0.5, 0.5], [0.5, 0.5], [0, 0]]);
    expect(new Eq(tau.forward, tau.dt).components.map((eq) => eq.target.field.name)).toEqual(['tau_xx', 'tau_xy', 'tau_yy']);
    const grid3 = new Grid({ shape: [4, 4, 4] });
    expect(new Set(new TensorFunction({ name: 's', grid: grid3 }).components.flat()).size).toBe(6);
  });

  it('symmetric: false keeps four fields in 2D and four equations', () => {
    const sigma = new TensorTimeFunction({ name: 'sigma', grid, symmetric: false });
    expect(sigma.components.flat().map((f) => f.name)).toEqual(['sigma_xx', 'sigma_xy', 'sigma_yx', 'sigma_yy']);
    expect(sigma.components[1]![0]!.stagger).toEqual([0.5, 0.5]);
    expect(new Eq(sigma.forward, 0).components).toHaveLength(4);
    expect(() => new TensorFunction({ name: 's', grid, symmetric: 'yes' as never })).toThrow(InvalidArgumentError);
  });
});

describe('div, grad, curl, diag', () => {
  const p = new Function({ name: 'p', grid });
  const v = new VectorFunction({ name: 'v', grid });
  const tau = new TensorFunction({ name: 'tau', grid });
  const [vx, vy] = v.components as [Function, Function];

  it('grad of a scalar is the vector of first derivatives; of a vector the tensor ∂ⱼvᵢ', () => {
    expect(keys(grad(p))).toEqual([p.dx.key, p.dy.key]);
    expect(grad(v).exprs.map((row) => row.map((e) => e.key))).toEqual([[vx.dx.key, vx.dy.key], [vy.dx.key, vy.dy.key]]);
    expect(grad(v).T.exprs[0]![1]!.key).toBe(vy.dx.key);
  });

  it('div of a vector is a scalar, of a tensor a vector, of a scalar the sum of first derivatives (as Devito)', () => {
    expect(div(v).key).toBe(vx.dx.add(vy.dy).key);
    const t = tau.components;
    expect(keys(div(tau))).toEqual([t[0]![0]!.dx.add(t[0]![1]!.dy).key, t[1]![0]!.dx.add(t[1]![1]!.dy).key]);
    expect(div(p).key).toBe(p.dx.add(p.dy).key);
  });

  it('curl: a scalar in 2D, a vector in 3D; curl of grad vanishes symbolically in 3D', () => {
    expect((curl(v) as Expr).key).toBe(vy.dx.sub(vx.dy).key);
    const grid3 = new Grid({ shape: [4, 4, 4] });
    const f = new Function({ name: 'f', grid: grid3 });
    const w = new VectorFunction({ name: 'w', grid: grid3 });
    const [wx, wy, wz] = w.components as [Function, Function, Function];
    const [a, b, c] = grid3.dimensions as [typeof x, typeof x, typeof x];
    expect(keys(curl(w) as VectorExpr)).toEqual([wz.diff(b).sub(wy.diff(c)).key, wx.diff(c).sub(wz.diff(a)).key, wy.diff(a).sub(wx.diff(b)).key]);
    expect(keys(curl(grad(f)) as VectorExpr)).toHaveLength(3);
    expect(() => curl(new VectorExpr([vx]))).toThrow(ShapeError);
    expect(() => curl(p as never)).toThrow(ShapeError);
  });

  it('a vector whose components cancel in a sum still has a grid (div, grad)', () => {
    const w = new VectorExpr([p.toExpr(), p.neg()]);
    expect(grad(w).exprs.map((row) => row.map((e) => e.key))).toEqual([[p.dx.key, p.dy.key], [p.neg().dx.key, p.neg().dy.key]]);
    expect(div(w).key).toBe(p.dx.add(p.neg().dy).key);
  });

  it('diag, trace, dot and arithmetic are componentwise', () => {
    expect(diag(p, 2).exprs.map((row) => row.map((e) => e.key))).toEqual([[p.toExpr().key, '#0'], ['#0', p.toExpr().key]]);
    expect(grad(v).trace.key).toBe(div(v).key);
    expect(v.dot(grad(p)).key).toBe(vx.mul(p.dx).add(vy.mul(p.dy)).key);
    expect(keys(tau.dot(v))[0]).toBe(tau.components[0]![0]!.mul(vx).add(tau.components[0]![1]!.mul(vy)).key);
    expect(keys(v.add(grad(p)).sub(v).mul(2).div(4).neg())).toEqual([p.dx.mul(-0.5).key, p.dy.mul(-0.5).key]);
  });
});

describe('vector Eq and solve', () => {
  const p = new TimeFunction({ name: 'p', grid });
  const v = new VectorTimeFunction({ name: 'v', grid });

  it('Eq of a vector expands to one Eq per component; solve works componentwise', () => {
    const solved = solve(v.dt.add(grad(p)), v.forward);
    const eq = new Eq(v.forward, solved);
    expect(eq.components).toHaveLength(2);
    v.components.forEach((c, i) => {
      expect(eq.components[i]!.lhs.key).toBe(c.forward.key);
      expect(eq.components[i]!.rhs.key).toBe(new Eq(c.forward, solve(c.dt.add(p.diff(grid.dimensions[i]!)), c.forward)).rhs.key);
    });
    // The same from an Eq of vectors.
    expect(keys(solve(new Eq(v.dt, grad(p).neg()), v.forward))).toEqual(keys(solved));
  });

  it('mismatched shapes are ShapeErrors; a vector Eq has no single lhs', () => {
    const tau = new TensorTimeFunction({ name: 'tau', grid });
    expect(() => new Eq(v.forward, tau.forward)).toThrow(ShapeError);
    expect(() => new Eq(p.forward, v.forward)).toThrow(ShapeError);
    expect(() => v.add(tau as never)).toThrow(ShapeError);
    expect(() => v.add(new VectorExpr([p.toExpr()]))).toThrow(ShapeError);
    expect(() => tau.add(grad(p) as never)).toThrow(ShapeError);
    expect(() => v.mul(v as never)).toThrow(ShapeError);
    expect(() => grad(new VectorExpr([p.toExpr()]))).toThrow(ShapeError);
    expect(() => solve(v.dt as never, p.forward)).toThrow(SolveError);
    expect(() => solve(v.dt, tau.forward)).toThrow(ShapeError);
    expect(() => new Eq(v.forward, 0).lhs).toThrow(InvalidArgumentError);
    expect(() => new VectorExpr([])).toThrow(ShapeError);
  });
});
