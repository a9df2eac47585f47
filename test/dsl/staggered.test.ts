import { describe, expect, it } from 'vitest';
import {
  Eq, Function, Grid, GridMismatchError, InvalidArgumentError, TimeFunction, type Expr,
} from '../../src/index.ts';
import { expandDerivatives } from '../../src/dsl/finite-difference.ts';

const grid = new Grid({ shape: [8, 6], extent: [7, 5] });
const [x, y] = grid.dimensions as [typeof grid.dimensions[0], typeof grid.dimensions[0]];

/** The expanded stencil as `offset along axis → weight` (unit spacing), for one field. */
function stencil(expr: Expr, name: string, axis: number): Map<number, number> {
  const out = new Map<number, number>();
  const visit = (e: Expr, weight: number): void => {
    if (e.kind === 'access' && e.field.name === name) out.set(e.offsets[axis]!, (out.get(e.offsets[axis]!) ?? 0) + weight);
    else if (e.kind === 'add') e.args.forEach((a) => visit(a, weight));
    else if (e.kind === 'mul') {
      const numbers = e.args.filter((a) => a.kind === 'number').reduce((p, a) => p * (a.kind === 'number' ? a.value : 1), 1);
      e.args.filter((a) => a.kind !== 'number' && a.kind !== 'pow' && a.kind !== 'scalar').forEach((a) => visit(a, weight * numbers));
    }
  };
  visit(expandDerivatives(expr), 1);
  return new Map([...out].filter(([, w]) => w !== 0).sort((a, b) => a[0] - b[0]));
}

describe('staggered option', () => {
  it('places points per dimension: a dimension, a list, cell, node', () => {
    expect(new Function({ name: 'a', grid, staggered: x }).stagger).toEqual([0.5, 0]);
    expect(new Function({ name: 'b', grid, staggered: [y] }).stagger).toEqual([0, 0.5]);
    expect(new Function({ name: 'c', grid, staggered: 'cell' }).stagger).toEqual([0.5, 0.5]);
    expect(new TimeFunction({ name: 'd', grid, staggered: 'node' }).stagger).toEqual([0, 0]);
    expect(new Function({ name: 'e', grid, staggered: [x, y] }).staggered).toEqual([x, y]);
    expect(new Function({ name: 'f', grid }).staggered).toEqual([]);
  });

  it('rejects a dimension the grid lacks, another grid\'s dimension and time, with typed errors', () => {
    const grid3 = new Grid({ shape: [4, 4, 4] });
    expect(() => new Function({ name: 'a', grid, staggered: grid3.dimensions[2]! })).toThrow(GridMismatchError);
    expect(() => new Function({ name: 'a', grid, staggered: grid3.dimensions[2]! })).toThrow(/not a dimension of the grid \(x, y\)/);
    expect(() => new Function({ name: 'a', grid, staggered: [x, grid3.dimensions[1]!] })).toThrow(/belongs to another Grid/);
    expect(() => new Function({ name: 'a', grid, staggered: grid.time })).toThrow(InvalidArgumentError);
    expect(() => new Function({ name: 'a', grid, staggered: 'edge' as never })).toThrow(InvalidArgumentError);
  });
});

describe('where staggered derivatives are evaluated (Devito x0 rules)', () => {
  const p = new TimeFunction({ name: 'p', grid, spaceOrder: 2 });
  const vx = new TimeFunction({ name: 'vx', grid, spaceOrder: 2, staggered: x });
  const q = new Function({ name: 'q', grid, spaceOrder: 4 });

  it('in an Eq, a derivative without x0 lands where the left-hand side sits', () => {
    // p on the nodes → p.dx at x + h/2 for vx; vx → vx.dx at the node for p.
    expect([...stencil(new Eq(vx.forward, p.dx).rhs, 'p', 0)]).toEqual([[0, -1], [1, 1]]);
    expect([...stencil(new Eq(p.forward, vx.dx).rhs, 'vx', 0)]).toEqual([[-1, -1], [0, 1]]);
    // Along y neither is staggered: the centred stencil stays.
    expect([...stencil(new Eq(vx.forward, p.dy).rhs, 'p', 1)]).toEqual([[-1, -0.5], [1, 0.5]]);
  });

  it('outside an Eq (or at the same position) a derivative is centred on its field\'s own points', () => {
    expect([...stencil(vx.dx, 'vx', 0)]).toEqual([[-1, -0.5], [1, 0.5]]);
    expect(new Eq(p.forward, p.dx).rhs.key).toBe(p.dx.key);
  });

  it('an explicit x0 wins over the left-hand side: diff(dim, order, { x0 }) and u.dx.with({ x0 })', () => {
    expect([...stencil(new Eq(vx.forward, p.dx.with({ x0: 0 })).rhs, 'p', 0)]).toEqual([[-1, -0.5], [1, 0.5]]);
    expect([...stencil(new Eq(p.forward, p.diff(x, 1, { x0: -0.5 })).rhs, 'p', 0)]).toEqual([[-1, -1], [0, 1]]);
    // Fourth order at a half point: the classic 9/8, −1/24 pair.
    const weights = stencil(q.dx.with({ x0: 0.5 }), 'q', 0);
    expect([...weights.keys()]).toEqual([-1, 0, 1, 2]);
    expect(weights.get(1)).toBeCloseTo(9 / 8, 14);
    expect(weights.get(2)).toBeCloseTo(-1 / 24, 14);
    expect(q.dx.with({ fdOrder: 2 }).key).toBe(q.diff(x, 1, { fdOrder: 2 }).key);
  });

  it('with() replaces an earlier point whichever name gives the new one (x0 or shift), and keeps it otherwise', () => {
    const half = q.dx.with({ x0: 0.5 });
    expect(half.with({ shift: -0.5 }).key).toBe(q.diff(x, 1, { x0: -0.5 }).key);
    expect(half.with({ x0: -0.5 }).key).toBe(q.diff(x, 1, { x0: -0.5 }).key);
    expect(half.with({ fdOrder: 2 }).key).toBe(q.diff(x, 1, { x0: 0.5, fdOrder: 2 }).key);
  });

  it('x0 must be a half or integer offset; with() takes derivatives only', () => {
    expect(() => p.diff(x, 1, { x0: 0.3 })).toThrow(InvalidArgumentError);
    expect(() => p.dx.with({ x0: 0.25 })).toThrow(/half or integer offset/);
    expect(() => p.diff(x, 1, { x0: 0.5, shift: -0.5 })).toThrow(InvalidArgumentError);
    expect(() => p.with({ x0: 0.5 })).toThrow(/not a derivative/);
  });

  it('a derivative of fields sitting at different points is a GridMismatchError, before any C', () => {
    expect(() => new Eq(p.forward, p.mul(vx).dx)).toThrow(GridMismatchError);
  });

  it('a derivative of a derivative along the same dimension is placed once: p.dx.dx for vx sits at x + h/2', () => {
    // Only the outer derivative takes the lhs position (the inner one stays centred on p's nodes);
    // placing both would sum their half shifts and evaluate at x + h.
    const secondAtHalf = (weights: Map<number, number>): number[] =>
      [0, 1, 2, 3].map((m) => [...weights].reduce((s, [k, w]) => s + w * (k - 0.5) ** m, 0));
    const implicit = stencil(new Eq(vx.forward, p.dx.dx).rhs, 'p', 0);
    const explicit = stencil(new Eq(p.forward, p.dx.dx.with({ x0: 0.5 })).rhs, 'p', 0);
    for (const weights of [implicit, explicit]) {
      expect([...weights.keys()]).toEqual([-1, 0, 1, 2]);
      const moments = secondAtHalf(weights);
      [0, 0, 2, 0].forEach((expected, m) => expect(moments[m]).toBeCloseTo(expected, 12));
    }
  });

  it('a second derivative of a staggered field at the nodes uses a symmetric 4-point stencil exact for cubics', () => {
    const weights = stencil(new Eq(p.forward, vx.dx2).rhs, 'vx', 0);
    expect([...weights.keys()]).toEqual([-2, -1, 0, 1]);
    // Points sit at k + 1/2: Σ w (k + ½)^m = m! δ_{m,2} for m ≤ 3.
    for (let m = 0; m <= 3; m++) {
      const moment = [...weights].reduce((s, [k, w]) => s + w * (k + 0.5) ** m, 0);
      expect(moment).toBeCloseTo(m === 2 ? 2 : 0, 12);
    }
  });
});
