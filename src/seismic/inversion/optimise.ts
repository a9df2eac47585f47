/**
 * Box-constrained minimisation for inversion: projected L-BFGS and projected gradient descent,
 * both with a backtracking Armijo line search along the projected path x(α) = P(x + α·d).
 *
 * Why our own: the npm registry has no maintained pure-JS optimiser with bound constraints
 * (`fmin` 0.0.4 is unconstrained and unmaintained; `optimization-js` has no bounds), and FWI
 * wants control over the line search (each evaluation is a set of wave simulations, and every
 * trial model must stay inside the bounds so it stays stable and physical).
 *
 * Projection is the clamp to [lower, upper], so every evaluated point, and the result, lies
 * inside the bounds exactly. Variables at a bound whose gradient pushes outward are "active":
 * their direction component is zeroed so the search moves only the free ones (the projected
 * L-BFGS of Bertsekas / Kelley, a light cousin of L-BFGS-B without the Cauchy-point search).
 */
import { InvalidArgumentError } from '../../errors.ts';

/** Objective value and gradient at a point (the gradient has the point's length). */
export interface ValueAndGradient {
  readonly value: number;
  readonly gradient: ArrayLike<number>;
}

/** What the optimiser reports after each accepted step. */
export interface OptimiserIteration {
  /** 1, 2, … (accepted steps). */
  readonly iteration: number;
  /** Objective at the new point. */
  readonly value: number;
  /** Objective before the step. */
  readonly previousValue: number;
  /** ‖P(x − g) − x‖∞ at the new point: zero exactly at a box-constrained stationary point. */
  readonly projectedGradientNorm: number;
  /** ‖g‖₂ at the new point. */
  readonly gradientNorm: number;
  /** Accepted line-search step α along the direction. */
  readonly step: number;
  /** Largest change of any variable in this step (‖x_new − x‖∞). */
  readonly change: number;
  /** The new point (a copy the caller may keep). */
  readonly x: Float64Array;
  /** Objective evaluations so far. */
  readonly evaluations: number;
}

export type OptimiserMethod = 'lbfgs' | 'gradient-descent';

export interface MinimiseOptions {
  /** Lower bound: one number for every variable, or one per variable. */
  readonly lower?: number | ArrayLike<number>;
  readonly upper?: number | ArrayLike<number>;
  /** Default 'lbfgs'. */
  readonly method?: OptimiserMethod;
  /** Accepted steps at most (default 100). */
  readonly maxIterations?: number;
  /** Objective evaluations at most, line searches included (default 20·maxIterations). */
  readonly maxEvaluations?: number;
  /** L-BFGS pairs kept (default 5). */
  readonly memory?: number;
  /**
   * Largest change of any variable in one trial step (default ∞). The first step, and every
   * gradient-descent step before a curvature estimate exists, is scaled to exactly this, since the
   * raw gradient has arbitrary units (e.g. FWI: a velocity change in km/s).
   */
  readonly maxStep?: number;
  /** Stop when ‖P(x − g) − x‖∞ ≤ this (default 1e-8). */
  readonly projectedGradientTolerance?: number;
  /** Stop when the relative decrease of one step is below this (default 0: never). */
  readonly relativeDecreaseTolerance?: number;
  /** Armijo constant c₁ (default 1e-4). */
  readonly armijo?: number;
  /** Backtracking factor (default 0.5) and trials per line search (default 20). */
  readonly backtrack?: number;
  readonly maxBacktracks?: number;
  /** Called after each accepted step; return false to stop. */
  readonly onIteration?: (info: OptimiserIteration) => boolean | void;
}

export type StopReason = 'max-iterations' | 'max-evaluations' | 'converged' | 'small-decrease' | 'line-search-failed' | 'callback';

export interface MinimiseResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly gradient: Float64Array;
  readonly iterations: number;
  readonly evaluations: number;
  readonly reason: StopReason;
  /** Objective at the start, then after each accepted step. */
  readonly history: readonly number[];
}

function boundArray(bound: number | ArrayLike<number> | undefined, n: number, fallback: number, what: string): Float64Array {
  if (bound === undefined) return new Float64Array(n).fill(fallback);
  if (typeof bound === 'number') {
    if (Number.isNaN(bound)) throw new InvalidArgumentError(`minimise: ${what} bound is NaN`);
    return new Float64Array(n).fill(bound);
  }
  if (bound.length !== n) throw new InvalidArgumentError(`minimise: ${what} bound has ${bound.length} entries for ${n} variables`);
  return Float64Array.from(bound);
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

const maxAbs = (a: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
};

/** ‖P(x − g) − x‖∞: the first-order optimality measure of a box-constrained problem. */
export function projectedGradientNorm(x: ArrayLike<number>, g: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const p = Math.min(Math.max(x[i]! - g[i]!, lower[i]!), upper[i]!);
    m = Math.max(m, Math.abs(p - x[i]!));
  }
  return m;
}

/**
 * Minimises `f` over the box [lower, upper] from `x0` (clamped into the box first). `f` is called
 * only at points inside the box. Each accepted step decreases the objective (Armijo), so the
 * history is strictly decreasing.
 */
export function minimise(f: (x: Float64Array) => ValueAndGradient, x0: ArrayLike<number>, options: MinimiseOptions = {}): MinimiseResult {
  const n = x0.length;
  const lower = boundArray(options.lower, n, -Infinity, 'lower');
  const upper = boundArray(options.upper, n, Infinity, 'upper');
  for (let i = 0; i < n; i++) {
    if (!(lower[i]! <= upper[i]!)) throw new InvalidArgumentError(`minimise: lower bound ${lower[i]} exceeds upper bound ${upper[i]} at variable ${i}`);
  }
  const method = options.method ?? 'lbfgs';
  if (method !== 'lbfgs' && method !== 'gradient-descent') throw new InvalidArgumentError(`minimise: method must be 'lbfgs' or 'gradient-descent', got ${String(method)}`);
  const maxIterations = options.maxIterations ?? 100;
  const maxEvaluations = options.maxEvaluations ?? 20 * maxIterations;
  const memory = options.memory ?? 5;
  const maxStep = options.maxStep ?? Infinity;
  if (!(maxStep > 0)) throw new InvalidArgumentError(`minimise: maxStep must be > 0, got ${maxStep}`);
  const pgTol = options.projectedGradientTolerance ?? 1e-8;
  const relTol = options.relativeDecreaseTolerance ?? 0;
  const c1 = options.armijo ?? 1e-4;
  const shrink = options.backtrack ?? 0.5;
  const maxBacktracks = options.maxBacktracks ?? 20;

  const project = (v: Float64Array): Float64Array => {
    for (let i = 0; i < n; i++) v[i] = Math.min(Math.max(v[i]!, lower[i]!), upper[i]!);
    return v;
  };
  let evaluations = 0;
  const evaluate = (x: Float64Array): { value: number; gradient: Float64Array } => {
    evaluations++;
    const r = f(x);
    if (r.gradient.length !== n) throw new InvalidArgumentError(`minimise: the gradient has ${r.gradient.length} entries for ${n} variables`);
    return { value: r.value, gradient: Float64Array.from(r.gradient) };
  };

  let x = project(Float64Array.from(x0));
  let { value, gradient: g } = evaluate(x);
  const history = [value];
  // L-BFGS curvature pairs, oldest first.
  const pairs: { s: Float64Array; y: Float64Array; rho: number }[] = [];
  // Gradient descent: the Barzilai–Borwein step once a pair exists.
  let bbStep: number | undefined;
  let iterations = 0;
  let reason: StopReason = 'max-iterations';

  while (true) {
    if (projectedGradientNorm(x, g, lower, upper) <= pgTol) { reason = 'converged'; break; }
    if (iterations >= maxIterations) { reason = 'max-iterations'; break; }
    if (evaluations >= maxEvaluations) { reason = 'max-evaluations'; break; }

    // Active set: at a bound with the gradient pushing outward. The search leaves them still.
    const free = new Uint8Array(n);
    for (let i = 0; i < n; i++) free[i] = (x[i]! <= lower[i]! && g[i]! > 0) || (x[i]! >= upper[i]! && g[i]! < 0) ? 0 : 1;
    const gFree = g.map((gi, i) => (free[i] ? gi : 0));
    let d: Float64Array;
    let alpha: number;
    if (method === 'lbfgs' && pairs.length > 0) {
      d = twoLoop(gFree, pairs).map((di, i) => (free[i] ? -di : 0));
      alpha = 1;
      if (dot(d, gFree) >= 0) {
        // Not a descent direction on the free set (the pairs mix in active variables): restart.
        pairs.length = 0;
        d = gFree.map((gi) => -gi);
        alpha = maxStep === Infinity ? 1 / Math.max(maxAbs(d), 1e-300) : maxStep / maxAbs(d);
      }
    } else {
      d = gFree.map((gi) => -gi);
      alpha = bbStep ?? (maxStep === Infinity ? 1 / Math.max(maxAbs(d), 1e-300) : maxStep / maxAbs(d));
    }
    const dMax = maxAbs(d);
    if (dMax === 0) { reason = 'converged'; break; }
    if (alpha * dMax > maxStep) alpha = maxStep / dMax;

    // Backtracking along the projected path; Armijo on the actual (projected) displacement.
    let accepted: { x: Float64Array; value: number; gradient: Float64Array } | undefined;
    for (let trial = 0; trial <= maxBacktracks && evaluations < maxEvaluations; trial++) {
      const xt = project(x.map((xi, i) => xi + alpha * d[i]!));
      const displacement = xt.map((xi, i) => xi - x[i]!);
      if (maxAbs(displacement) === 0) break;
      const r = evaluate(xt);
      if (Number.isFinite(r.value) && r.value <= value + c1 * dot(g, displacement) && r.value < value) {
        accepted = { x: xt, ...r };
        break;
      }
      alpha *= shrink;
    }
    if (!accepted) { reason = evaluations >= maxEvaluations ? 'max-evaluations' : 'line-search-failed'; break; }

    const s = accepted.x.map((xi, i) => xi - x[i]!);
    const y = accepted.gradient.map((gi, i) => gi - g[i]!);
    const sy = dot(s, y);
    // Keep a pair only with positive curvature, so the L-BFGS matrix stays positive definite.
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      pairs.push({ s, y, rho: 1 / sy });
      if (pairs.length > memory) pairs.shift();
      bbStep = dot(s, s) / sy;
    }
    const previousValue = value;
    x = accepted.x;
    value = accepted.value;
    g = accepted.gradient;
    iterations++;
    history.push(value);
    const keepGoing = options.onIteration?.({
      iteration: iterations, value, previousValue, projectedGradientNorm: projectedGradientNorm(x, g, lower, upper),
      gradientNorm: Math.sqrt(dot(g, g)), step: alpha, change: maxAbs(s), x: x.slice(), evaluations,
    });
    if (keepGoing === false) { reason = 'callback'; break; }
    if (relTol > 0 && previousValue - value <= relTol * Math.abs(previousValue)) { reason = 'small-decrease'; break; }
  }
  return { x, value, gradient: g, iterations, evaluations, reason, history };
}

/** H·q by the L-BFGS two-loop recursion, H₀ = γI with γ = sᵀy/yᵀy of the newest pair. */
function twoLoop(q0: Float64Array, pairs: readonly { s: Float64Array; y: Float64Array; rho: number }[]): Float64Array {
  const q = q0.slice();
  const alphas = new Float64Array(pairs.length);
  for (let k = pairs.length - 1; k >= 0; k--) {
    const { s, y, rho } = pairs[k]!;
    const a = rho * dot(s, q);
    alphas[k] = a;
    for (let i = 0; i < q.length; i++) q[i]! -= a * y[i]!;
  }
  const newest = pairs[pairs.length - 1]!;
  const gamma = 1 / (newest.rho * dot(newest.y, newest.y));
  for (let i = 0; i < q.length; i++) q[i]! *= gamma;
  for (let k = 0; k < pairs.length; k++) {
    const { s, y, rho } = pairs[k]!;
    const b = rho * dot(y, q);
    for (let i = 0; i < q.length; i++) q[i]! += (alphas[k]! - b) * s[i]!;
  }
  return q;
}
