import { describe, expect, it } from 'vitest';
import {
  Eq, Function, Grid, Operator, TensorTimeFunction, TimeFunction, VectorTimeFunction, diag, div, grad, solve, type Expr,
} from '../../src/index.ts';
import { convergenceOrder, fillSeeded, maxAbsDiff } from '../helpers.ts';

describe('velocity–pressure acoustics with a VectorTimeFunction in a closed box (float64)', () => {
  // p on the nodes, v_d half a cell along d; zero halos make p = 0 beyond the walls (pressure
  // release). D₋ = −D₊ᵀ holds exactly there, so leapfrog conserves E = ‖pⁿ‖²/K + ρ⟨v^{n−½}, v^{n+½}⟩.
  const K = 2.25;
  const rho = 1.3;
  const n = 41;
  const grid = new Grid({ shape: [n, n], extent: [n - 1, n - 1], dtype: 'float64' });
  const p = new TimeFunction({ name: 'p', grid, spaceOrder: 4 });
  const v = new VectorTimeFunction({ name: 'v', grid, spaceOrder: 4 });
  // No x0 anywhere: each derivative lands where the equation's left-hand side sits.
  const updateV = new Eq(v.forward, solve(v.dt.add(grad(p).div(rho)), v.forward));
  const updateP = new Eq(p.forward, solve(p.dt.add(div(v.forward).mul(K)), p.forward));
  const op = new Operator([updateV, updateP], { name: 'acoustic_vector' });

  it('generates the same C as the hand-staggered scalar system (explicit x0 on unstaggered fields)', () => {
    const [x, y] = grid.dimensions as [typeof grid.dimensions[0], typeof grid.dimensions[0]];
    const q = new TimeFunction({ name: 'p', grid, spaceOrder: 4 });
    const vx = new TimeFunction({ name: 'v_x', grid, spaceOrder: 4 });
    const vy = new TimeFunction({ name: 'v_y', grid, spaceOrder: 4 });
    const hand = new Operator([
      new Eq(vx.forward, solve(vx.dt.add(q.diff(x, 1, { x0: 0.5 }).div(rho)), vx.forward)),
      new Eq(vy.forward, solve(vy.dt.add(q.diff(y, 1, { x0: 0.5 }).div(rho)), vy.forward)),
      new Eq(q.forward, solve(q.dt.add(vx.forward.diff(x, 1, { x0: -0.5 }).add(vy.forward.diff(y, 1, { x0: -0.5 })).mul(K)), q.forward)),
    ], { name: 'acoustic_vector' });
    expect(op.ccode).toBe(hand.ccode);
  });

  it('conserves the discrete energy to 1e-10 over 1000 steps', () => {
    const size = n * n;
    const pulse = Float64Array.from({ length: size }, (_, k) => Math.exp(-(((Math.floor(k / n) - 14) ** 2 + ((k % n) - 20) ** 2) / 18)));
    p.data.assign([...pulse, ...new Float64Array(size)]);
    const dt = 0.4 / Math.sqrt((2 * K) / rho);
    const slot = (data: Float64Array, t: number): Float64Array => data.subarray((t % 2) * size, (t % 2 + 1) * size);
    // After the step that writes time index t + 1: p[t] and v[t] (v^{t−½}), v[t+1] (v^{t+½}).
    const energy = (t: number): number => {
      let e = 0;
      for (const value of slot(p.data.toArray() as Float64Array, t)) e += (value * value) / K;
      for (const component of v.components) {
        const all = component.data.toArray() as Float64Array;
        const before = slot(all, t);
        const after = slot(all, t + 1);
        for (let k = 0; k < size; k++) e += rho * before[k]! * after[k]!;
      }
      return e;
    };
    op.apply({ timeMin: 0, timeMax: 0, dt });
    const energies = [energy(0)];
    for (let t = 1; t < 1000; t += 111) {
      const last = Math.min(t + 111, 1000) - 1;
      op.apply({ timeMin: t, timeMax: last, dt });
      energies.push(energy(last));
    }
    const e0 = energies[0]!;
    expect(e0).toBeGreaterThan(10);
    // The pulse reaches the walls: the wall terms matter.
    expect(Math.sqrt(K / rho) * dt * 1000).toBeGreaterThan(2 * (n - 1));
    const drift = Math.max(...energies.map((e) => Math.abs(e - e0) / e0));
    expect(drift).toBeLessThan(1e-10);
  });
});

describe('3D: the same rule along z', () => {
  it('a 3D VectorTimeFunction system prints the C of the hand-staggered one', () => {
    const grid = new Grid({ shape: [6, 5, 4], dtype: 'float64' });
    const p = new TimeFunction({ name: 'p', grid, spaceOrder: 8 });
    const v = new VectorTimeFunction({ name: 'v', grid, spaceOrder: 8 });
    const auto = new Operator([
      new Eq(v.forward, solve(v.dt.add(grad(p)), v.forward)),
      new Eq(p.forward, solve(p.dt.add(div(v.forward)), p.forward)),
    ], { name: 'acoustic3d' });
    const q = new TimeFunction({ name: 'p', grid, spaceOrder: 8 });
    const w = grid.dimensions.map((d) => new TimeFunction({ name: `v_${d.name}`, grid, spaceOrder: 8 }));
    const hand = new Operator([
      ...w.map((wd, i) => new Eq(wd.forward, solve(wd.dt.add(q.diff(grid.dimensions[i]!, 1, { x0: 0.5 })), wd.forward))),
      new Eq(q.forward, solve(q.dt.add(w.map((wd, i) => wd.forward.diff(grid.dimensions[i]!, 1, { x0: -0.5 })).reduce((a: Expr, c: Expr) => a.add(c))), q.forward)),
    ], { name: 'acoustic3d' });
    expect(auto.ccode).toBe(hand.ccode);
  });
});

describe('2D elastic velocity–stress step (VectorTimeFunction + symmetric TensorTimeFunction, float64)', () => {
  it('matches an independent staggered reference loop to 1e-12 over 3 steps', () => {
    const [nx, ny] = [13, 11];
    const hx = 0.9;
    const hy = 1.1;
    const grid = new Grid({ shape: [nx, ny], extent: [(nx - 1) * hx, (ny - 1) * hy], dtype: 'float64' });
    const v = new VectorTimeFunction({ name: 'v', grid, spaceOrder: 4 });
    const tau = new TensorTimeFunction({ name: 'tau', grid, spaceOrder: 4 });
    const [lam, mu, b] = ['lam', 'mu', 'b'].map((name) => new Function({ name, grid })) as [Function, Function, Function];
    const pdeV = v.dt.sub(div(tau).mul(b));
    const strain = grad(v.forward).add(grad(v.forward).T);
    const pdeTau = tau.dt.sub(diag(div(v.forward), 2).mul(lam)).sub(strain.mul(mu));
    const eqs = [new Eq(v.forward, solve(pdeV, v.forward)), new Eq(tau.forward, solve(pdeTau, tau.forward))];
    expect(eqs.flatMap((eq) => eq.components).length).toBe(5); // v_x, v_y, tau_xx, tau_xy, tau_yy
    const op = new Operator(eqs, { name: 'elastic2d' });

    const size = nx * ny;
    const fields = [v.components[0]!, v.components[1]!, tau.components[0]![0]!, tau.components[0]![1]!, tau.components[1]![1]!];
    fields.forEach((f, k) => {
      const init = new Float64Array(2 * size);
      fillSeeded(init, 11 + k);
      f.data.assign(init);
    });
    [lam, mu, b].forEach((f, k) => {
      const init = new Float64Array(size);
      fillSeeded(init, 101 + k, 0.5);
      f.data.assign(init);
    });
    // The reference starts from slot 0 (time 0) of each field, read before the Operator overwrites it.
    const initial = (f: { data: { toArray(): ArrayLike<number> } }): Float64Array => Float64Array.from(f.data.toArray()).subarray(0, size);
    let [vx, vy, txx, txy, tyy] = fields.map(initial) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    const [L, M, B] = [lam, mu, b].map((f) => Float64Array.from(f.data.toArray())) as [Float64Array, Float64Array, Float64Array];
    const dt = 0.05;
    const steps = 3;
    op.apply({ timeMin: 0, timeMax: steps - 1, dt });

    // Zero outside the domain (the halos); fourth-order staggered differences.
    const get = (a: Float64Array, i: number, j: number): number => (i < 0 || j < 0 || i >= nx || j >= ny ? 0 : a[i * ny + j]!);
    const [c1, c2] = [9 / 8, -1 / 24];
    // Node → half point (value at index i + ½ stored at i), and half point → node.
    const dPlus = (a: Float64Array, i: number, j: number, axis: 0 | 1): number => {
      const at = (k: number): number => (axis === 0 ? get(a, i + k, j) : get(a, i, j + k));
      return (c1 * (at(1) - at(0)) + c2 * (at(2) - at(-1))) / (axis === 0 ? hx : hy);
    };
    const dMinus = (a: Float64Array, i: number, j: number, axis: 0 | 1): number => {
      const at = (k: number): number => (axis === 0 ? get(a, i + k, j) : get(a, i, j + k));
      return (c1 * (at(0) - at(-1)) + c2 * (at(1) - at(-2))) / (axis === 0 ? hx : hy);
    };
    for (let step = 0; step < steps; step++) {
      const nvx = new Float64Array(size);
      const nvy = new Float64Array(size);
      for (let i = 0; i < nx; i++) for (let j = 0; j < ny; j++) {
        const k = i * ny + j;
        nvx[k] = vx[k]! + dt * B[k]! * (dPlus(txx, i, j, 0) + dMinus(txy, i, j, 1));
        nvy[k] = vy[k]! + dt * B[k]! * (dMinus(txy, i, j, 0) + dPlus(tyy, i, j, 1));
      }
      const ntxx = new Float64Array(size);
      const ntyy = new Float64Array(size);
      const ntxy = new Float64Array(size);
      for (let i = 0; i < nx; i++) for (let j = 0; j < ny; j++) {
        const k = i * ny + j;
        const divergence = dMinus(nvx, i, j, 0) + dMinus(nvy, i, j, 1);
        ntxx[k] = txx[k]! + dt * (L[k]! * divergence + 2 * M[k]! * dMinus(nvx, i, j, 0));
        ntyy[k] = tyy[k]! + dt * (L[k]! * divergence + 2 * M[k]! * dMinus(nvy, i, j, 1));
        ntxy[k] = txy[k]! + dt * M[k]! * (dPlus(nvx, i, j, 1) + dPlus(nvy, i, j, 0));
      }
      [vx, vy, txx, txy, tyy] = [nvx, nvy, ntxx, ntxy, ntyy];
    }
    const slotOfLast = steps % 2;
    const result = (f: { data: { toArray(): ArrayLike<number> } }): Float64Array => Float64Array.from(f.data.toArray()).subarray(slotOfLast * size, (slotOfLast + 1) * size);
    const expected = [vx, vy, txx, txy, tyy];
    fields.forEach((f, k) => {
      expect(Math.max(...expected[k]!.map(Math.abs))).toBeGreaterThan(0.1);
      expect(maxAbsDiff(result(f), expected[k]!)).toBeLessThan(1e-12);
    });
  });
});

describe('staggered first derivatives converge at their order', () => {
  // f on the nodes → f.dx at x + h/2 (a field staggered in x on the left), and g staggered in x →
  // g.dx at the nodes; errors away from the walls, fitted over three grids.
  for (const spaceOrder of [2, 4, 8]) {
    it(`spaceOrder ${spaceOrder}: fitted order within ±0.3 of ${spaceOrder}, both directions`, () => {
      const k = 3;
      const sizes = spaceOrder === 8 ? [25, 33, 41] : [21, 31, 41];
      const errors: [number[], number[]] = [[], []];
      const hs: number[] = [];
      for (const n of sizes) {
        const grid = new Grid({ shape: [n], extent: [1], dtype: 'float64' });
        const [x] = grid.dimensions;
        const h = grid.spacing[0]!;
        const f = new Function({ name: 'f', grid, spaceOrder });
        const g = new Function({ name: 'g', grid, spaceOrder, staggered: x });
        const df = new Function({ name: 'df', grid, spaceOrder, staggered: x });
        const dg = new Function({ name: 'dg', grid, spaceOrder });
        const op = new Operator([new Eq(df, f.dx), new Eq(dg, g.dx)], { name: `stagger_order_${spaceOrder}` });
        f.data.assign(Float64Array.from({ length: n }, (_, i) => Math.sin(k * i * h)));
        g.data.assign(Float64Array.from({ length: n }, (_, i) => Math.sin(k * (i + 0.5) * h)));
        op.apply({});
        // Points whose stencils stay inside the domain.
        const inner = Array.from({ length: n - spaceOrder }, (_, i) => i + spaceOrder / 2);
        errors[0].push(Math.max(...inner.map((i) => Math.abs(df.data.get(i) - k * Math.cos(k * (i + 0.5) * h)))));
        errors[1].push(Math.max(...inner.map((i) => Math.abs(dg.data.get(i) - k * Math.cos(k * i * h)))));
        hs.push(h);
      }
      for (const e of errors) {
        expect(Math.abs(convergenceOrder(hs, e) - spaceOrder)).toBeLessThan(0.3);
      }
    });
  }
});
