import { describe, expect, it } from 'vitest';
import { minimise, projectedGradientNorm } from '../../../src/seismic/inversion/optimise.ts';

/** Rosenbrock in n dimensions: minimum 0 at (1, …, 1). */
function rosenbrock(x: Float64Array): { value: number; gradient: Float64Array } {
  let value = 0;
  const gradient = new Float64Array(x.length);
  for (let i = 0; i < x.length - 1; i++) {
    const a = x[i + 1]! - x[i]! ** 2;
    const b = 1 - x[i]!;
    value += 100 * a * a + b * b;
    gradient[i]! += -400 * x[i]! * a - 2 * b;
    gradient[i + 1]! += 200 * a;
  }
  return { value, gradient };
}

describe('minimise (projected L-BFGS / gradient descent)', () => {
  it('L-BFGS finds the Rosenbrock minimum (1, 1, 1, 1) within 1e-6 from (−1.2, 1, −1.2, 1)', () => {
    const r = minimise(rosenbrock, [-1.2, 1, -1.2, 1], { lower: -2, upper: 2, maxIterations: 500 });
    expect(r.reason).toBe('converged');
    for (const xi of r.x) expect(Math.abs(xi - 1)).toBeLessThan(1e-6);
    // Strict decrease at every accepted step (Armijo).
    for (let k = 1; k < r.history.length; k++) expect(r.history[k]!).toBeLessThan(r.history[k - 1]!);
  });

  it('bounded Rosenbrock: x ≤ 0.5 holds exactly and the optimum lies on the bound (x₁ = 0.5, x₂ = 0.25)', () => {
    // With x₁ ≤ 0.5 the minimum of 100(x₂ − x₁²)² + (1 − x₁)² is x₁ = 0.5, x₂ = 0.25 (KKT: ∂f/∂x₁ = −1 < 0 there).
    const seen: number[][] = [];
    const r = minimise((x) => { seen.push([...x]); return rosenbrock(x); }, [-1.2, 1], { lower: [-2, -2], upper: [0.5, 2], maxIterations: 500 });
    expect(Math.abs(r.x[0]! - 0.5)).toBeLessThan(1e-9);
    expect(Math.abs(r.x[1]! - 0.25)).toBeLessThan(1e-6);
    for (const p of seen) {
      expect(p[0]!).toBeLessThanOrEqual(0.5);
      expect(p[0]!).toBeGreaterThanOrEqual(-2);
    }
    expect(r.x[0]).toBe(0.5); // exactly on the bound, not 0.5 − ε
  });

  it('gradient descent on an ill-conditioned bounded quadratic reaches the box-constrained minimum within 1e-6', () => {
    // Tolerance 1e-7: below it the decrease of f ≈ 2 is lost to rounding and the line search stalls.
    // f = ½ Σ cᵢ (xᵢ − tᵢ)², c from 1 to 50; targets partly outside [0, 1]: solution clamp(t).
    const c = [1, 5, 10, 50];
    const t = [0.3, 1.7, -0.4, 0.8];
    const f = (x: Float64Array) => ({
      value: 0.5 * c.reduce((s, ci, i) => s + ci * (x[i]! - t[i]!) ** 2, 0),
      gradient: Float64Array.from(c, (ci, i) => ci * (x[i]! - t[i]!)),
    });
    const expected = t.map((ti) => Math.min(Math.max(ti, 0), 1));
    for (const method of ['gradient-descent', 'lbfgs'] as const) {
      const r = minimise(f, [0.5, 0.5, 0.5, 0.5], { lower: 0, upper: 1, method, maxIterations: 2000, maxStep: 0.5, projectedGradientTolerance: 1e-7 });
      expect(r.reason).toBe('converged');
      r.x.forEach((xi, i) => expect(Math.abs(xi - expected[i]!)).toBeLessThan(1e-6));
      expect(projectedGradientNorm(r.x, r.gradient, [0, 0, 0, 0], [1, 1, 1, 1])).toBeLessThanOrEqual(1e-7);
    }
  });

  it('maxStep caps the first step and the callback can stop the run', () => {
    const steps: number[] = [];
    const r = minimise(rosenbrock, [-1.2, 1], {
      maxStep: 0.01,
      onIteration: (info) => { steps.push(info.change); return info.iteration < 3; },
    });
    expect(r.reason).toBe('callback');
    expect(r.iterations).toBe(3);
    expect(steps[0]!).toBeLessThanOrEqual(0.01 + 1e-15);
  });
});
