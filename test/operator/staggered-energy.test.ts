import { describe, expect, it } from 'vitest';
import { Eq, Grid, Operator, TimeFunction, solve, type Expr } from '../../src/index.ts';
import { sectionsOf } from '../../src/ir/visit.ts';

/**
 * First-order acoustics p_t = −K∇·v, v_t = −∇p/ρ on a staggered grid (v_d lives half a cell
 * along d; p = 0 beyond the walls through the zero halo) with leapfrog in time. With
 * D₋ = −D₊ᵀ exactly, the scheme conserves E = ‖pⁿ‖²/K + ρ⟨v^{n+½}, v^{n−½}⟩ to round-off.
 */
function runBox(ndim: 1 | 2, spaceOrder: number, steps: number) {
  const K = 2.25;
  const rho = 1;
  const n = ndim === 1 ? 151 : 81;
  const h = 1;
  const grid = new Grid({ shape: new Array(ndim).fill(n), extent: new Array(ndim).fill((n - 1) * h), dtype: 'float64' });
  const dims = grid.dimensions;
  const p = new TimeFunction({ name: 'p', grid, timeOrder: 1, spaceOrder });
  const v = dims.map((d) => new TimeFunction({ name: `v${d.name}`, grid, timeOrder: 1, spaceOrder }));
  const velocityUpdates = v.map((vd, axis) =>
    new Eq(vd.forward, solve(vd.dt.add(p.diff(dims[axis]!, 1, { shift: 0.5 }).mul(1 / rho)), vd.forward)),
  );
  const divergence = v.map((vd, axis) => vd.forward.diff(dims[axis]!, 1, { shift: -0.5 })).reduce((a: Expr, b: Expr) => a.add(b));
  const pressureUpdate = new Eq(p.forward, solve(p.dt.add(divergence.mul(K)), p.forward));
  // Velocity first: equations run in program order, and p reads v.forward.
  const op = new Operator([...velocityUpdates, pressureUpdate], { name: `acoustic_staggered_${ndim}d` });

  const c = Math.sqrt(K / rho);
  const dt = (0.4 * h) / (c * Math.sqrt(ndim));
  const centre = ((n - 1) * h) / 2;
  const pulse: number[] = [];
  if (ndim === 1) for (let i = 0; i < n; i++) pulse.push(Math.exp(-(((i * h - centre * 0.7) / 6) ** 2)));
  else for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) pulse.push(Math.exp(-(((i * h - centre * 0.7) ** 2 + (j * h - centre) ** 2) / 36)));
  const size = pulse.length;
  p.data.assign([...pulse, ...new Array(size).fill(0)]);

  const energy = (t: number, plain = false): number => {
    // After the step that ends at time index t+1, slots hold p[t], v[t] (= v^{t−½}) and v[t+1] (= v^{t+½}).
    const pNow = p.data.toArray().subarray((t % 2) * size, (t % 2 + 1) * size);
    let e = 0;
    for (const value of pNow) e += (value * value) / K;
    for (const vd of v) {
      const all = vd.data.toArray();
      const before = all.subarray((t % 2) * size, (t % 2 + 1) * size);
      const after = all.subarray(((t + 1) % 2) * size, ((t + 1) % 2 + 1) * size);
      for (let k = 0; k < size; k++) e += rho * (plain ? after[k]! * after[k]! : before[k]! * after[k]!);
    }
    return e;
  };
  // One step makes v^{½}; the energy is then defined. March the rest in chunks and record it.
  op.apply({ timeMin: 0, timeMax: 0, dt });
  const energies = [energy(0)];
  const plainEnergies = [energy(0, true)];
  const chunk = 50;
  for (let t = 1; t < steps; t += chunk) {
    op.apply({ timeMin: t, timeMax: Math.min(t + chunk, steps) - 1, dt });
    energies.push(energy(Math.min(t + chunk, steps) - 1));
    plainEnergies.push(energy(Math.min(t + chunk, steps) - 1, true));
  }
  return { energies, plainEnergies, op, travel: c * dt * steps, size: (n - 1) * h };
}

describe('coupled first-order acoustic system in a closed box (staggered leapfrog, float64)', () => {
  for (const [ndim, spaceOrder] of [[1, 2], [1, 8], [2, 4], [2, 8]] as const) {
    it(`${ndim}D spaceOrder ${spaceOrder}: conserves the discrete energy to 1e-11 over 1000 steps`, () => {
      const { energies, op, travel, size } = runBox(ndim, spaceOrder, 1000);
      expect(travel).toBeGreaterThan(2 * size); // the pulse hits the walls several times
      expect(sectionsOf(op.kernel).map((section) => section.title)).toEqual([`update ${op.kernel.grid.dimensions.map((d) => `v${d.name}`).join(', ')}`, 'update p']); // v nest, then p nest
      const e0 = energies[0]!;
      expect(e0).toBeGreaterThan(1);
      const drift = Math.max(...energies.map((e) => Math.abs(e - e0) / e0));
      expect(drift).toBeLessThan(1e-11);
    });
  }

  it('the naive energy ‖pⁿ‖²/K + ρ‖v^{n+½}‖² drifts by O(dt): the invariant above is a sharp check', () => {
    const { plainEnergies } = runBox(2, 4, 300);
    const e0 = plainEnergies[0]!;
    const variation = Math.max(...plainEnergies.map((e) => Math.abs(e - e0) / e0));
    expect(variation).toBeGreaterThan(1e-4);
  });
});
