import { describe, expect, it } from 'vitest';
import { Eq, Function, Grid, Operator, TimeFunction } from '../../src/index.ts';

// Equations run in the order written, as in Devito: each sees what every equation before it
// wrote. The compiler fuses them into one loop nest only where no dependence forbids it.

function plane(name: string) {
  const grid = new Grid({ shape: [11, 11], extent: [10, 10] });
  const a = new Function({ name: `a_${name}`, grid });
  const b = new Function({ name: `b_${name}`, grid });
  b.data.fill(5);
  return { grid, a, b };
}

const values = (f: Function): number[] => [...new Set(f.data.toArray())];

describe('program order', () => {
  it('a = b; b = 1 gives a = 5 (the old b), b = 1', () => {
    const { a, b } = plane('ab');
    new Operator([new Eq(a, b), new Eq(b, 1)], { name: 'order_ab' }).apply({});
    expect(values(a)).toEqual([5]);
    expect(values(b)).toEqual([1]);
  });

  it('the mirror, b = 1; a = b, gives a = 1', () => {
    const { a, b } = plane('ba');
    new Operator([new Eq(b, 1), new Eq(a, b)], { name: 'order_ba' }).apply({});
    expect(values(a)).toEqual([1]);
  });

  it('a = ∂b/∂x; b = 1 reads the old b at the neighbours (two loop nests, not one, and in that order)', () => {
    const { grid, a, b } = plane('dx');
    const [nx, ny] = grid.shape as [number, number];
    for (let i = 0; i < nx; i++) for (let j = 0; j < ny; j++) b.data.set(i, j, 3 * i);
    const op = new Operator([new Eq(a, b.dx), new Eq(b, 1)], { name: 'order_dx' });
    op.apply({});
    // Interior points see the slope 3 (spacing 1); had b = 1 run first they would see 0.
    expect(a.data.get(5, 5)).toBeCloseTo(3, 5);
    expect(values(b)).toEqual([1]);
    expect(op.kernel.sections.length).toBe(2);
  });

  it('in a time loop: a = b; b = b + 1; u⁺ = u + a accumulates the old b of each step', () => {
    const { grid, a, b } = plane('time');
    const u = new TimeFunction({ name: 'u_time', grid, timeOrder: 1 });
    new Operator([new Eq(a, b), new Eq(b, b.add(1)), new Eq(u.forward, u.add(a))], { name: 'order_time' }).apply({ timeMin: 0, timeMax: 2 });
    // Steps 0, 1, 2 add b = 5, 6, 7: u[3] = 18 (slot 3 mod 2 = 1); reordered, they would add 6, 7, 8.
    expect([...new Set(Array.from({ length: 11 }, (_, i) => u.data.get(1, i, 4)))]).toEqual([18]);
    expect(values(b)).toEqual([8]);
  });

  it('in a time loop, the mirror: b = b + 1; a = b adds the new b', () => {
    const { grid, a, b } = plane('time_mirror');
    const u = new TimeFunction({ name: 'u_mirror', grid, timeOrder: 1 });
    new Operator([new Eq(b, b.add(1)), new Eq(a, b), new Eq(u.forward, u.add(a))], { name: 'order_time_mirror' }).apply({ timeMin: 0, timeMax: 2 });
    expect([...new Set(Array.from({ length: 11 }, (_, i) => u.data.get(1, i, 4)))]).toEqual([21]);
  });
});
