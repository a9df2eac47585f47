/**
 * The equations of the pseudo-acoustic TTI operators (pure: fields in, Eq / sparse operations
 * out), after the coupled p/r system of Devito's examples/seismic/tti (Zhang et al. 2011, Duveneck
 * & Bakker 2011), written so that its discrete adjoint is exact.
 *
 * Rotated operators. With n = (sinθ·cosφ, sinθ·sinφ, cosθ) the symmetry axis (2D: (sinθ, cosθ),
 * x horizontal, z depth) and D_i a centred first derivative of half the space order,
 *
 *   G f  = Σ_i n_i·D_i f            (derivative along the axis)
 *   Hz f = Σ_i D_i(n_i·G f) = −Gᵀ G f   (second derivative along the axis: symmetric, ≤ 0)
 *   Hp f = Δ f − Hz f                 (the rest of the Laplacian, across the axis: symmetric)
 *
 * D_i is antisymmetric on the grid and the composed stencil reaches exactly the field's halo, so
 * Hz is symmetric to rounding whatever the coefficients are (the halo values of n included).
 * The forward system is
 *
 *   m·p_tt + η·p_t = (1+2ε)·Hp p + √(1+2δ)·Hz r + f
 *   m·r_tt + η·r_t = √(1+2δ)·Hp p +          Hz r + f
 *
 * i.e. m·U_tt + η·U_t = M·H·U + f with M = [[e, d], [d, 1]] pointwise (e = 1+2ε, d = √(1+2δ)) and
 * H = diag(Hp, Hz). Its transpose is H·M, so the adjoint system applies the coefficients first:
 *
 *   m·q_tt − η·q_t = Hp(e·q + d·s) + g,   m·s_tt − η·s_t = Hz(d·q + s) + g
 *
 * solved backwards in time like the acoustic adjoint (see acoustic-equations.ts: the transposed
 * leapfrog recursion). Sources inject into both p and r; receivers record ½·(p + r), so with
 * ε = δ = θ = 0 (p = r, Hp + Hz = Δ) the record is the acoustic one. Stability needs e ≥ d²
 * (ε ≥ δ): otherwise M·H has a positive eigenvalue and the system grows exponentially.
 */
import type { Dimension } from '../dsl/dimension.ts';
import { Eq } from '../dsl/eq.ts';
import { add, type Expr, type ExprLike } from '../dsl/expr.ts';
import type { Function, TimeFunction } from '../dsl/functions.ts';
import { solve } from '../dsl/solve.ts';
import type { SparseOperation, SparseTimeFunction } from '../dsl/sparse.ts';

/** What every TTI operator reads on the padded grid. */
export interface TTIMedium {
  readonly m: Function;
  readonly damp: Function;
  /** 1 + 2ε. */
  readonly e: Function;
  /** √(1 + 2δ). */
  readonly d: Function;
  /** The symmetry axis' components, one per space dimension (unit length). */
  readonly axis: readonly Function[];
  /** Space order of the Laplacian. */
  readonly spaceOrder: number;
  /** Accuracy order of each first derivative of Hz (so that D_i·D_j reaches the halo exactly). */
  readonly order1: number;
}

/** A pair of TTI wavefields: p (the "horizontal" field) and r (the "axis" field). */
export interface TTIPair {
  readonly p: TimeFunction;
  readonly r: TimeFunction;
}

function dims(medium: TTIMedium): readonly Dimension[] {
  return medium.m.grid.dimensions as readonly Dimension[];
}

/** Hz f = Σ_i D_i(n_i·G f), f a field or an expression of fields. */
function hz(f: ExprLike, medium: TTIMedium): Expr {
  const ds = dims(medium);
  const fdOrder = medium.order1;
  const g = add(...ds.map((dim, i) => medium.axis[i]!.mul(toSym(f).diff(dim, 1, { fdOrder }))));
  return add(...ds.map((dim, i) => medium.axis[i]!.mul(g).diff(dim, 1, { fdOrder })));
}

/** Hp f = Δf − Hz f. */
function hp(f: ExprLike, medium: TTIMedium): Expr {
  const lap = add(...dims(medium).map((dim) => toSym(f).diff(dim, 2, { fdOrder: medium.spaceOrder })));
  return lap.sub(hz(f, medium));
}

function toSym(f: ExprLike): Expr {
  return typeof f === 'number' ? add(f) : f.toExpr();
}

/** The forward residuals (= 0) of p and r; `extra` adds a Born source term to each. */
function forwardPdes({ p, r }: TTIPair, medium: TTIMedium, extra?: { p: Expr; r: Expr }): { p: Expr; r: Expr } {
  const { m, damp, e, d } = medium;
  const hpP = hp(p, medium);
  const hzR = hz(r, medium);
  const pde = {
    p: m.mul(p.dt2).add(damp.mul(p.dt)).sub(e.mul(hpP)).sub(d.mul(hzR)),
    r: m.mul(r.dt2).add(damp.mul(r.dt)).sub(d.mul(hpP)).sub(hzR),
  };
  return extra ? { p: pde.p.add(extra.p), r: pde.r.add(extra.r) } : pde;
}

/** The adjoint residuals: the transposed spatial operator H·M and the damping sign flipped. */
function adjointPdes({ p: q, r: s }: TTIPair, medium: TTIMedium): { p: Expr; r: Expr } {
  const { m, damp, e, d } = medium;
  return {
    p: m.mul(q.dt2).sub(damp.mul(q.dt)).sub(hp(e.mul(q).add(d.mul(s)), medium)),
    r: m.mul(s.dt2).sub(damp.mul(s.dt)).sub(hz(d.mul(q).add(s), medium)),
  };
}

function forwardUpdates(pair: TTIPair, medium: TTIMedium, extra?: { p: Expr; r: Expr }): Eq[] {
  const pde = forwardPdes(pair, medium, extra);
  return [new Eq(pair.p.forward, solve(pde.p, pair.p.forward)), new Eq(pair.r.forward, solve(pde.r, pair.r.forward))];
}

function adjointUpdates(pair: TTIPair, medium: TTIMedium): Eq[] {
  const pde = adjointPdes(pair, medium);
  return [new Eq(pair.p.backward, solve(pde.p, pair.p.backward)), new Eq(pair.r.backward, solve(pde.r, pair.r.backward))];
}

/** `s·dt²/m·scale`: a⁻¹·Pᵀ·s at the physical points (η = 0 there), as in the acoustic operators. */
function scaled(sparse: SparseTimeFunction, { m }: TTIMedium, scale = 1): Expr {
  const dt = m.grid.time.spacing;
  const base = sparse.mul(dt.pow(2)).div(m);
  return scale === 1 ? base : base.mul(scale);
}

/** ½·(p + r): what receivers record. */
function recorded(p: ExprLike, r: ExprLike): Expr {
  return toSym(p).add(r).mul(0.5);
}

/** At time t: p[t+1], r[t+1]; src[t] injected into both; rec[t] = ½·P·(p[t] + r[t]). */
export function ttiForwardEquations(pair: TTIPair, medium: TTIMedium, src: SparseTimeFunction, rec: SparseTimeFunction): (Eq | SparseOperation)[] {
  return [
    ...forwardUpdates(pair, medium),
    src.inject({ field: pair.p.forward, expr: scaled(src, medium) }),
    src.inject({ field: pair.r.forward, expr: scaled(src, medium) }),
    rec.interpolate({ expr: recorded(pair.p, pair.r) }),
  ];
}

/** rec[t] = ½·P·(p[t] + r[t]) alone (the last sample, which no update step reaches). */
export function ttiSampleEquations(pair: TTIPair, rec: SparseTimeFunction): SparseOperation[] {
  return [rec.interpolate({ expr: recorded(pair.p, pair.r) })];
}

/**
 * At time t (backwards): ½·rec[t] injected into q[t] and s[t] (the transpose of recording
 * ½(p + r)); q[t−1], s[t−1]; srca[t] = P·(q[t+1] + s[t+1]) (the transpose of injecting into both).
 */
export function ttiAdjointEquations(adj: TTIPair, medium: TTIMedium, rec: SparseTimeFunction, srca: SparseTimeFunction): (Eq | SparseOperation)[] {
  return [
    rec.inject({ field: adj.p, expr: scaled(rec, medium, 0.5) }),
    rec.inject({ field: adj.r, expr: scaled(rec, medium, 0.5) }),
    ...adjointUpdates(adj, medium),
    srca.interpolate({ expr: adj.p.forward.add(adj.r.forward) }),
  ];
}

/**
 * Background (p, r), scattered (dp, dr): the forward step, then the scattered step whose sources
 * are dm·p_tt and dm·r_tt centred at t (they read p[t+1], r[t+1]: updated and injected first);
 * rec[t] = ½·P·(dp[t] + dr[t]).
 */
export function ttiBornEquations(
  pair: TTIPair, scattered: TTIPair, dm: Function, medium: TTIMedium, src: SparseTimeFunction, rec: SparseTimeFunction,
): (Eq | SparseOperation)[] {
  return [
    ...forwardUpdates(pair, medium),
    src.inject({ field: pair.p.forward, expr: scaled(src, medium) }),
    src.inject({ field: pair.r.forward, expr: scaled(src, medium) }),
    ...forwardUpdates(scattered, medium, { p: dm.mul(pair.p.dt2), r: dm.mul(pair.r.dt2) }),
    rec.interpolate({ expr: recorded(scattered.p, scattered.r) }),
  ];
}

/**
 * At time t (backwards): ½·residual[t] into q[t] and s[t]; then
 *
 *   grad −= Σ_{(u,v) ∈ {(p,q), (r,s)}} (u[t]·(v[t] − 2·v[t+1]) + u[t−1]·v[t+1]) / dt²
 *
 * and q[t−1], s[t−1]. The acoustic gradient's summation by parts per component (see
 * acoustic-equations.ts): the exact transpose of Born, reading the forward fields at t and t−1
 * only (the two time levels a forward checkpoint holds).
 */
export function ttiGradientEquations(
  adj: TTIPair, pair: TTIPair, grad: Function, medium: TTIMedium, residual: SparseTimeFunction,
): (Eq | SparseOperation)[] {
  const dt = medium.m.grid.time.spacing;
  const term = (u: TimeFunction, v: TimeFunction): Expr => {
    const vNext = v.forward;
    return u.toExpr().mul(v.toExpr().sub(vNext.mul(2))).add(u.backward.mul(vNext));
  };
  const update = term(pair.p, adj.p).add(term(pair.r, adj.r)).div(dt.pow(2));
  return [
    residual.inject({ field: adj.p, expr: scaled(residual, medium, 0.5) }),
    residual.inject({ field: adj.r, expr: scaled(residual, medium, 0.5) }),
    new Eq(grad, grad.sub(update)),
    ...adjointUpdates(adj, medium),
  ];
}
