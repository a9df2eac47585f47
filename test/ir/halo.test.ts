import { describe, expect, it } from 'vitest';
import { Function, Grid, TimeFunction } from '../../src/index.ts';
import { AccessExpr } from '../../src/dsl/expr.ts';
import { overlapPieces, planHaloExchanges } from '../../src/ir/halo.ts';
import { ivar, type IndexExpr } from '../../src/ir/index-expr.ts';

/** An index expression's value for the given variables (int, var, add and mul are all overlapPieces makes). */
function evaluate(e: IndexExpr, vars: Record<string, number>): number {
  switch (e.kind) {
    case 'int': return e.value;
    case 'var': return vars[e.name]!;
    case 'add': return e.terms.reduce((s, t) => s + evaluate(t, vars), 0);
    case 'mul': return e.factors.reduce((p, f) => p * evaluate(f, vars), 1);
    case 'min': return Math.min(evaluate(e.a, vars), evaluate(e.b, vars));
    case 'max': return Math.max(evaluate(e.a, vars), evaluate(e.b, vars));
    default: throw new Error(e.kind);
  }
}

describe('halo exchanges: where they go and what overlap mode computes when', () => {
  const grid = new Grid({ shape: [12, 10, 8] });
  const u = new TimeFunction({ name: 'u', grid, spaceOrder: 4, timeOrder: 2 });
  const v = new TimeFunction({ name: 'v', grid, spaceOrder: 4 });
  const m = new Function({ name: 'm', grid, spaceOrder: 4 });
  const at = (f: Function, t: number, offsets: number[]): AccessExpr => new AccessExpr(f, t, offsets);

  it('exchanges a written field’s slot once per step before its first read at a neighbour, again after a nest writes it, and a read-only Function once before the loop', () => {
    const steps = [
      // v⁺ = f(u at neighbours, m at neighbours); then u⁺ = g(v⁺ at neighbours, u at neighbours)
      { reads: [at(u, 0, [1, 0, 0]), at(m, 0, [0, -1, 0])], writes: [at(v, 1, [0, 0, 0])] },
      { reads: [at(v, 1, [0, 0, 1]), at(u, 0, [0, 2, 0])], writes: [at(u, 1, [0, 0, 0])] },
      // an interpolation of u⁺: stale again since the nest wrote it
      { reads: [at(u, 1, [0, 0, 0])], writes: [] },
    ];
    const plan = planHaloExchanges(steps, new Set(['u', 'v']), true);
    expect(plan.before.map((s) => s.field.name)).toEqual(['m']);
    expect(plan.perStep.map((slots) => slots.map((s) => `${s.field.name}@${s.timeOffset}`))).toEqual([['u@0'], ['v@1'], ['u@1']]);
  });

  it('without a time loop every slot is exchanged before its first read, read-only ones included', () => {
    const plan = planHaloExchanges([{ reads: [at(m, 0, [1, 0, 0])], writes: [] }], new Set(), false);
    expect(plan.before).toEqual([]);
    expect(plan.perStep[0]!.map((s) => s.field.name)).toEqual(['m']);
  });

  it('the core and the border slabs cover the box once each, for any box and reach', () => {
    const dims = grid.dimensions;
    const base = dims.map((d) => ({ lower: ivar(`${d.name}_m`), upper: ivar(`${d.name}_M`) }));
    for (const splitAxes of [[0], [0, 1], [0, 1, 2], [1]]) {
      const { core, borders } = overlapPieces(dims, base, splitAxes);
      expect(borders.length).toBe(2 * splitAxes.length);
      for (const [n, reach] of [[9, 4], [5, 4], [3, 2], [8, 1]] as const) {
        const vars: Record<string, number> = {};
        for (const d of dims) Object.assign(vars, { [`${d.name}_m`]: 0, [`${d.name}_M`]: n - 1, [`${d.name}_cm`]: Math.min(reach, n), [`${d.name}_cM`]: Math.max(n - 1 - reach, Math.min(reach, n) - 1) });
        const count = new Map<string, number>();
        for (const piece of [core, ...borders]) {
          const ranges = piece.map((b) => [evaluate(b.lower, vars), evaluate(b.upper, vars)]);
          for (let x = ranges[0]![0]!; x <= ranges[0]![1]!; x++) for (let y = ranges[1]![0]!; y <= ranges[1]![1]!; y++) for (let z = ranges[2]![0]!; z <= ranges[2]![1]!; z++) {
            count.set(`${x},${y},${z}`, (count.get(`${x},${y},${z}`) ?? 0) + 1);
          }
        }
        expect(count.size, `split ${splitAxes}, n ${n}, reach ${reach}`).toBe(n ** 3);
        expect(Math.max(...count.values())).toBe(1);
      }
    }
  });
});
