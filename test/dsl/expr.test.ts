import { describe, expect, it } from 'vitest';
import { Constant, Eq, Function, Grid, Operator, SparseFunction, SparseTimeFunction, TimeFunction, add, mul, pow, solve, sqrt, type Expr } from '../../src/index.ts';
import { NumberExpr, ScalarExpr } from '../../src/dsl/expr.ts';
import { InvalidNameError } from '../../src/errors.ts';
import { expandDerivatives } from '../../src/dsl/finite-difference.ts';

const grid = new Grid({ shape: [6, 5] });
const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder: 4 });
const v = new Function({ name: 'v', grid });
const w = new Function({ name: 'w', grid });
const a = new Constant({ name: 'a', value: 1 });

const isNumber = (expr: Expr, value: number): boolean => expr.kind === 'number' && expr.value === value;

describe('canonicalisation', () => {
  it('collects like terms: u + u → 2·u', () => {
    const sum = u.add(u);
    expect(sum.kind).toBe('mul');
    expect(sum.key).toBe(mul(2, u).key);
    expect(sum.key).toBe(u.mul(2).key);
    expect(u.mul(2).add(u.mul(3)).key).toBe(mul(5, u).key);
    expect(add(u, u, u, v).key).toBe(add(mul(3, u), v).key);
  });

  it('cancels: u − u → 0 and x·x⁻¹ → 1', () => {
    expect(isNumber(u.sub(u), 0)).toBe(true);
    expect(isNumber(u.add(v).sub(v).sub(u), 0)).toBe(true);
    expect(isNumber(v.mul(pow(v, -1)), 1)).toBe(true);
    expect(isNumber(u.div(u), 1)).toBe(true);
    expect(isNumber(u.mul(v).div(v.mul(u)), 1)).toBe(true);
    expect(u.mul(v).div(v).key).toBe(u.toExpr().key);
    expect(isNumber(u.mul(0), 0)).toBe(true);
    expect(isNumber(u.pow(0), 1)).toBe(true);
  });

  it('folds numbers', () => {
    expect(isNumber(add(1, 2, 3.5), 6.5)).toBe(true);
    expect(isNumber(mul(2, 3, 0.5), 3)).toBe(true);
    expect(isNumber(pow(2, 10), 1024)).toBe(true);
    expect(isNumber(sqrt(16), 4)).toBe(true);
    expect(u.add(1).add(2).key).toBe(u.add(3).key);
    expect(mul(2, u, 3).key).toBe(mul(6, u).key);
    expect(u.mul(2).mul(0.5).key).toBe(u.toExpr().key);
    expect(u.add(1).sub(1).key).toBe(u.toExpr().key);
  });

  it('orders commutative operands canonically: a+b and b+a have the same key', () => {
    expect(u.add(v).key).toBe(v.add(u).key);
    expect(u.mul(v).key).toBe(v.mul(u).key);
    expect(add(u, add(v, w)).key).toBe(add(add(w, u), v).key);
    expect(mul(u, mul(v, w, a)).key).toBe(mul(a, w, mul(v, u)).key);
    expect(u.mul(a).add(v.mul(2)).key).toBe(mul(2, v).add(a.mul(u)).key);
    // Different expressions keep different keys.
    expect(u.sub(v).key).not.toBe(v.sub(u).key);
    expect(u.div(v).key).not.toBe(v.div(u).key);
  });

  it('merges powers of one base and distributes integer powers over products', () => {
    expect(u.mul(u).key).toBe(pow(u, 2).key);
    expect(pow(pow(u, 2), 3).key).toBe(pow(u, 6).key);
    expect(pow(mul(u, v), 2).key).toBe(mul(pow(u, 2), pow(v, 2)).key);
    expect(mul(-1, add(u, v)).key).toBe(add(u.neg(), v.neg()).key);
  });

  it('rejects non-finite numbers', () => {
    expect(() => u.add(Number.NaN)).toThrow('finite');
    expect(() => u.div(0)).toThrow('finite');
  });
});

/** Evaluates an expression without derivatives: accesses and scalars from `env` (random by key). */
function evaluate(expr: Expr, env: (key: string) => number): number {
  switch (expr.kind) {
    case 'number': return expr.value;
    case 'scalar': case 'access': return env(expr.key);
    case 'add': return expr.args.reduce((s, arg) => s + evaluate(arg, env), 0);
    case 'mul': return expr.args.reduce((p, arg) => p * evaluate(arg, env), 1);
    case 'pow': return Math.pow(evaluate(expr.base, env), evaluate(expr.exponent, env));
    default: throw new Error(`cannot evaluate ${expr.kind}`);
  }
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A value in [1, 2) for each key, a pure function of (seed, key); `fixed` overrides some keys. */
function randomEnv(seed: number, fixed: Record<string, number> = {}): (key: string) => number {
  return (key) => {
    if (key in fixed) return fixed[key]!;
    let hash = 2166136261 ^ seed;
    for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 16777619);
    return seeded(hash)() + 1;
  };
}

describe('solve on the acoustic PDE', () => {
  const m = new Function({ name: 'm', grid, spaceOrder: 4 });
  const pde = m.mul(u.dt2).sub(u.laplace);
  const solution = solve(pde, u.forward);

  it('returns 2u − u⁻ + dt²/m·Δu (same value at random points)', () => {
    const dt = new ScalarExpr('dt', 'dt');
    const expected = add(mul(2, u), u.backward.neg(), mul(pow(dt, 2), pow(m, -1), u.laplace));
    for (let seed = 1; seed <= 5; seed++) {
      const env = randomEnv(seed);
      const got = evaluate(expandDerivatives(solution), env);
      const want = evaluate(expandDerivatives(expected), env);
      expect(Math.abs(got - want)).toBeLessThan(1e-12 * Math.max(1, Math.abs(want)));
    }
    // The space derivatives stay lazy (the Operator expands them), and u⁺ is gone.
    expect(solution.key).toContain('(D ');
    expect(solution.key).not.toContain('u[t+1|');
  });

  it('the solution satisfies the discretised PDE', () => {
    for (let seed = 11; seed <= 15; seed++) {
      const env = randomEnv(seed);
      const forward = evaluate(expandDerivatives(solution), env);
      const residual = evaluate(expandDerivatives(pde), randomEnv(seed, { [u.forward.key]: forward }));
      const scale = Math.abs(evaluate(expandDerivatives(u.laplace), randomEnv(seed)));
      expect(Math.abs(residual)).toBeLessThan(1e-10 * Math.max(1, scale));
    }
  });

  it('one step of the compiled operator matches a hand-written float64 stencil (max abs error < 1e-12)', () => {
    const shape = [9, 8];
    const g = new Grid({ shape, extent: [4, 1.75], dtype: 'float64' }); // h_x = 0.5, h_y = 0.25
    const uu = new TimeFunction({ name: 'u', grid: g, timeOrder: 2, spaceOrder: 4 });
    const mm = new Function({ name: 'm', grid: g, spaceOrder: 4 });
    const op = new Operator([new Eq(uu.forward, solve(mm.mul(uu.dt2).sub(uu.laplace), uu.forward))], { name: 'solve_check' });
    const random = seeded(42);
    const [nx, ny] = shape as [number, number];
    const n = nx * ny;
    const u0 = Float64Array.from({ length: n }, () => 2 * random() - 1);
    const u1 = Float64Array.from({ length: n }, () => 2 * random() - 1);
    const mv = Float64Array.from({ length: n }, () => 1 + random());
    const initial = new Float64Array(3 * n);
    initial.set(u0, 0);
    initial.set(u1, n);
    uu.data.assign(initial);
    mm.data.assign(mv);
    const dt = 0.05;
    op.apply({ timeMin: 1, timeMax: 1, dt, nthreads: 1 }); // writes time index 2 = slot 2

    const [hx, hy] = g.spacing as [number, number];
    const weights = [-1 / 12, 4 / 3, -5 / 2, 4 / 3, -1 / 12];
    const at = (x: number, y: number): number => (x < 0 || x >= nx || y < 0 || y >= ny ? 0 : u1[x * ny + y]!);
    const result = uu.data.toArray();
    let maxError = 0;
    let maxValue = 0;
    for (let x = 0; x < nx; x++) {
      for (let y = 0; y < ny; y++) {
        let lap = 0;
        for (let k = -2; k <= 2; k++) {
          lap += (weights[k + 2]! * at(x + k, y)) / (hx * hx) + (weights[k + 2]! * at(x, y + k)) / (hy * hy);
        }
        const i = x * ny + y;
        const expected = 2 * u1[i]! - u0[i]! + ((dt * dt) / mv[i]!) * lap;
        maxError = Math.max(maxError, Math.abs(result[2 * n + i]! - expected));
        maxValue = Math.max(maxValue, Math.abs(expected));
      }
    }
    expect(maxValue).toBeGreaterThan(0.5);
    expect(maxError).toBeLessThan(1e-12);
    // The two input slots were only read.
    expect(result.subarray(0, n)).toEqual(u0);
    expect(result.subarray(n, 2 * n)).toEqual(u1);
  });
});

describe('NumberExpr', () => {
  it('is what numeric folding returns', () => {
    expect(add(2, 2)).toBeInstanceOf(NumberExpr);
  });
});

describe('derivative shortcuts of an expression that reads no field', () => {
  it('are 0, as diff along any dimension is (u − u cancels to 0 before the derivative)', () => {
    const grid = new Grid({ shape: [5, 5], extent: [4, 4] });
    const u = new TimeFunction({ name: 'u', grid, spaceOrder: 2 });
    const c = new Constant({ name: 'c', value: 1 });
    const cancelled = u.sub(u);
    for (const shortcut of [cancelled.dx, cancelled.dy, cancelled.dx2, cancelled.laplace, cancelled.dt, c.sub(c).mul(u).dx]) {
      expect(shortcut.key).toBe(cancelled.diff(grid.dimensions[0]!).key);
      expect(shortcut.kind === 'number' && shortcut.value).toBe(0);
    }
  });
});

describe('two different objects of one name', () => {
  // Expressions key fields and Constants by name: before, a (all 1) + another Function named a
  // (all 100) canonicalised to 2·a, and two Constants named c to 2·c, with no word.
  const a1 = new Function({ name: 'a', grid });
  const a2 = new Function({ name: 'a', grid });
  const c1 = new Constant({ name: 'c', value: 1 });
  const c2 = new Constant({ name: 'c', value: 100 });

  it('are refused when an expression would merge them (Function and Constant alike)', () => {
    const functions = /two different Functions are named "a".*give each Function its own name/;
    expect(() => a1.add(a2)).toThrow(functions);
    expect(() => a1.sub(a2)).toThrow(functions);
    expect(() => a1.mul(a2)).toThrow(functions);
    expect(() => a1.mul(3).add(a2.mul(2))).toThrow(functions);
    expect(() => sqrt(a1).add(sqrt(a2))).toThrow(functions);
    expect(() => c1.add(c2)).toThrow(/two different Constants are named "c"/);
    expect(() => c1.mul(c2)).toThrow(InvalidNameError);
  });

  it('name the kind of each object, a SparseFunction too', () => {
    const [s1, s2] = [new SparseFunction({ name: 's', grid, npoint: 1 }), new SparseFunction({ name: 's', grid, npoint: 1 })];
    expect(() => s1.add(s2)).toThrow(/two different SparseFunctions are named "s"/);
    const st = new SparseTimeFunction({ name: 's', grid, npoint: 1, nt: 2 });
    expect(() => s1.add(st)).toThrow(/a SparseFunction and a SparseTimeFunction are both named "s"/);
  });

  it('one object still merges and cancels with itself', () => {
    expect(isNumber(a1.sub(a1), 0)).toBe(true);
    expect(isNumber(c1.sub(c1), 0)).toBe(true);
    expect(a1.add(a1).key).toBe(mul(2, a1).key);
    expect(c1.mul(c1).key).toBe(pow(c1, 2).key);
  });

  it('are refused by an Operator that holds both apart (separate equations or terms that do not merge)', () => {
    const b = new Function({ name: 'b', grid });
    const d = new Function({ name: 'd', grid });
    expect(() => new Operator([new Eq(b, a1), new Eq(d, a2)])).toThrow(/two different Functions are named "a"/);
    expect(() => new Operator([new Eq(b, sqrt(a1).mul(d.add(sqrt(a2))))])).toThrow(/two different Functions are named "a"/);
    expect(() => new Operator([new Eq(b, c1.mul(a1)), new Eq(d, c2.mul(a1))])).toThrow(/two different Constants are named "c"/);
    const t = new TimeFunction({ name: 'a', grid });
    expect(() => new Operator([new Eq(t.forward, t.add(a1))])).toThrow(/a TimeFunction and a Function are both named "a"/);
  });

  it('are refused by solve before it expands anything', () => {
    const u2 = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder: 4 });
    expect(() => solve(u.dt2.sub(sqrt(u2).mul(v)), u.forward)).toThrow(/two different TimeFunctions are named "u"/);
  });
});
