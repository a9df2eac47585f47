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
 *
 * Free surface (optional, the top face z_s; rows below it z_s + j). Both fields are odd about the
 * surface (zero on it), as in acoustic-equations.ts; with E the odd extension of a field living
 * below the surface and R the restriction to the points below it, every operator applies
 * R·Hz·E and R·Hp·E = R·Δ·E − R·Hz·E, where R·Δ·E is exactly the acoustic mirrored Laplacian.
 * Hz is extended above the surface by the mirror image of the medium: the reflected axis is
 * (−n_x, −n_y, n_z) (an axis' sign is immaterial), so n_x, n_y are odd and n_z even about the
 * surface. Then G·E f is even, n_x·G·E f odd and n_z·G·E f even, and Hz·E f is odd again; the
 * rows next to the surface (r − 1 of them, each on its own subdomain: two first derivatives
 * reach no further than the Laplacian) read n_z·G·E f at a row above the surface as its value at
 * the mirror row, and on the surface row as n_z·n_z·D_z(E f) (D_x E f is zero there, so n_x on
 * the surface row is never read). With S the reflection, S·Hz·S = Hz for that medium (S·G·S = −G)
 * and Hz = −GᵀG is symmetric, so R·Hz·E = R·Hz·(I − S)·Rᵀ is symmetric; R·Δ·E is too: H
 * stays symmetric below the surface and the adjoint argument above carries over. It also stays
 * ≤ 0 (R·Hz·E = ½·Eᵀ·Hz·E = −½·(G·E)ᵀ(G·E)), so the stability limit is unchanged. Surface rows
 * are zeroed once injected (forward p[t+1], r[t+1]; adjoint q[t], s[t]) and the gradient sums
 * below the surface, as in the acoustic operators. With ε = δ = θ = 0, Hp + Hz = R·Δ·E: the
 * acoustic free surface again.
 */
import type { Dimension } from '../dsl/dimension.ts';
import type { Eq } from '../dsl/eq.ts';
import { add, mul, type Expr, type ExprLike } from '../dsl/expr.ts';
import { finiteDifferenceWeights, stencilPoints } from '../dsl/fd-weights.ts';
import { shiftExpr } from '../dsl/finite-difference.ts';
import type { Function, TimeFunction } from '../dsl/functions.ts';
import { solve } from '../dsl/solve.ts';
import type { SparseOperation, SparseTimeFunction } from '../dsl/sparse.ts';
import type { SubDomain } from '../dsl/subdomain.ts';
import { eqOn, zeroSurface, type FreeSurface } from './acoustic-equations.ts';

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

/** Σ c·f shifted by `offset` along z, the coefficients of one offset summed first, in increasing offset. */
function combine(f: Expr, z: Dimension, coefficients: Map<number, number>): Expr {
  const terms = [...coefficients].filter(([, c]) => c !== 0).sort(([a], [b]) => a - b).map(([offset, c]) => mul(c, shiftExpr(f, z, offset)));
  return terms.length === 0 ? add(0) : add(...terms);
}

/**
 * The mirrored operators at row z_s + j under a free surface (see the file's comment). `row(l)`
 * of a field expression f means (E f) at row z_s + l, as offsets from the point at row z_s + j.
 */
class MirroredRow {
  private readonly z: Dimension;
  private readonly across: readonly Dimension[];
  private readonly points1: number[];
  private readonly weights1: number[];

  constructor(private readonly medium: TTIMedium, private readonly j: number) {
    const ds = dims(medium);
    this.z = ds[ds.length - 1]!;
    this.across = ds.slice(0, -1);
    this.points1 = stencilPoints(1, medium.order1);
    this.weights1 = finiteDifferenceWeights(1, this.points1);
  }

  /** Σ_k c_k·(E f)(row k): the odd mirror folded into the coefficients (row 0 dropped). */
  private oddSum(f: Expr, rows: Map<number, number>): Expr {
    const coefficients = new Map<number, number>();
    for (const [row, c] of rows) {
      if (row === 0) continue;
      const [offset, sign] = row > 0 ? [row - this.j, 1] : [-row - this.j, -1];
      coefficients.set(offset, (coefficients.get(offset) ?? 0) + sign * c);
    }
    return combine(f, this.z, coefficients);
  }

  /** D_z(E f) at row l ≥ 0. */
  private dz(f: Expr, l: number): Expr {
    const rows = new Map<number, number>();
    this.points1.forEach((b, i) => rows.set(l + b, (rows.get(l + b) ?? 0) + this.weights1[i]!));
    return this.oddSum(f, rows).mul(this.z.spacing.pow(-1));
  }

  /** A coefficient field at row l ≥ 0. */
  private at(c: Function, l: number): Expr {
    return shiftExpr(c.toExpr(), this.z, l - this.j);
  }

  /** (G E f) at row l ≥ 0 (on the surface row, only its z term: E f is zero along the row). */
  private g(f: Expr, l: number): Expr {
    const { axis, order1: fdOrder } = this.medium;
    const nz = axis[axis.length - 1]!;
    const terms = l === 0 ? [] : this.across.map((dim, i) => this.at(axis[i]!, l).mul(shiftExpr(f, this.z, l - this.j).diff(dim, 1, { fdOrder })));
    return add(...terms, this.at(nz, l).mul(this.dz(f, l)));
  }

  /** R·Hz·E f at this row: across-axis derivatives of n_i·G on the row itself, D_z of the even n_z·G. */
  hz(f: Expr): Expr {
    const { axis, order1: fdOrder } = this.medium;
    const nz = axis[axis.length - 1]!;
    const gHere = this.g(f, this.j);
    const across = this.across.map((dim, i) => axis[i]!.mul(gHere).diff(dim, 1, { fdOrder }));
    const along = add(...this.points1.map((a, i) => {
      const l = Math.abs(this.j + a);
      return this.weights1[i] === 0 ? add(0) : mul(this.weights1[i]!, this.at(nz, l).mul(l === this.j ? gHere : this.g(f, l)));
    })).mul(this.z.spacing.pow(-1));
    return add(...across, along);
  }

  /** R·Δ·E f at this row: the acoustic mirrored Laplacian, of an expression. */
  laplacian(f: Expr): Expr {
    const { spaceOrder } = this.medium;
    const points = stencilPoints(2, spaceOrder);
    const weights = finiteDifferenceWeights(2, points);
    const rows = new Map<number, number>();
    points.forEach((p, i) => rows.set(this.j + p, weights[i]!));
    const along = this.oddSum(f, rows).mul(this.z.spacing.pow(-2));
    return add(...this.across.map((dim) => f.diff(dim, 2, { fdOrder: spaceOrder })), along);
  }
}

/** Where one equation runs and Hp, Hz there: the whole grid, or the deep points and each row next to a surface. */
interface Region {
  readonly subdomain: SubDomain | undefined;
  readonly hp: (f: ExprLike) => Expr;
  readonly hz: (f: ExprLike) => Expr;
}

function regions(medium: TTIMedium, surface: FreeSurface | undefined): Region[] {
  const plain = (subdomain: SubDomain | undefined): Region => ({ subdomain, hp: (f) => hp(f, medium), hz: (f) => hz(f, medium) });
  if (surface === undefined) return [plain(undefined)];
  return [
    plain(surface.deep),
    ...surface.rows.map(({ j, row }): Region => {
      const mirrored = new MirroredRow(medium, j);
      return { subdomain: row, hz: (f) => mirrored.hz(toSym(f)), hp: (f) => mirrored.laplacian(toSym(f)).sub(mirrored.hz(toSym(f))) };
    }),
  ];
}

/** The forward residuals (= 0) of p and r; `extra` adds a Born source term to each. */
function forwardPdes({ p, r }: TTIPair, medium: TTIMedium, region: Region, extra?: { p: Expr; r: Expr }): { p: Expr; r: Expr } {
  const { m, damp, e, d } = medium;
  const hpP = region.hp(p);
  const hzR = region.hz(r);
  const pde = {
    p: m.mul(p.dt2).add(damp.mul(p.dt)).sub(e.mul(hpP)).sub(d.mul(hzR)),
    r: m.mul(r.dt2).add(damp.mul(r.dt)).sub(d.mul(hpP)).sub(hzR),
  };
  return extra ? { p: pde.p.add(extra.p), r: pde.r.add(extra.r) } : pde;
}

/** The adjoint residuals: the transposed spatial operator H·M and the damping sign flipped. */
function adjointPdes({ p: q, r: s }: TTIPair, medium: TTIMedium, region: Region): { p: Expr; r: Expr } {
  const { m, damp, e, d } = medium;
  return {
    p: m.mul(q.dt2).sub(damp.mul(q.dt)).sub(region.hp(e.mul(q).add(d.mul(s)))),
    r: m.mul(s.dt2).sub(damp.mul(s.dt)).sub(region.hz(d.mul(q).add(s))),
  };
}

/** p[t+1], r[t+1]: per region, the p equations first. */
function forwardUpdates(pair: TTIPair, medium: TTIMedium, surface: FreeSurface | undefined, extra?: { p: Expr; r: Expr }): Eq[] {
  const pdes = regions(medium, surface).map((region) => ({ region, pde: forwardPdes(pair, medium, region, extra) }));
  return [
    ...pdes.map(({ region, pde }) => eqOn(pair.p.forward, solve(pde.p, pair.p.forward), region.subdomain)),
    ...pdes.map(({ region, pde }) => eqOn(pair.r.forward, solve(pde.r, pair.r.forward), region.subdomain)),
  ];
}

function adjointUpdates(pair: TTIPair, medium: TTIMedium, surface: FreeSurface | undefined): Eq[] {
  const pdes = regions(medium, surface).map((region) => ({ region, pde: adjointPdes(pair, medium, region) }));
  return [
    ...pdes.map(({ region, pde }) => eqOn(pair.p.backward, solve(pde.p, pair.p.backward), region.subdomain)),
    ...pdes.map(({ region, pde }) => eqOn(pair.r.backward, solve(pde.r, pair.r.backward), region.subdomain)),
  ];
}

/** Zero on the surface rows of both fields of `pair` at `timeOffset` (nothing without a surface). */
function zeroPair(pair: TTIPair, timeOffset: number, surface: FreeSurface | undefined): Eq[] {
  return [...zeroSurface(pair.p, timeOffset, surface), ...zeroSurface(pair.r, timeOffset, surface)];
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
export function ttiForwardEquations(
  pair: TTIPair, medium: TTIMedium, src: SparseTimeFunction, rec: SparseTimeFunction, surface?: FreeSurface,
): (Eq | SparseOperation)[] {
  return [
    ...forwardUpdates(pair, medium, surface),
    src.inject({ field: pair.p.forward, expr: scaled(src, medium) }),
    src.inject({ field: pair.r.forward, expr: scaled(src, medium) }),
    ...zeroPair(pair, 1, surface),
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
export function ttiAdjointEquations(
  adj: TTIPair, medium: TTIMedium, rec: SparseTimeFunction, srca: SparseTimeFunction, surface?: FreeSurface,
): (Eq | SparseOperation)[] {
  return [
    rec.inject({ field: adj.p, expr: scaled(rec, medium, 0.5) }),
    rec.inject({ field: adj.r, expr: scaled(rec, medium, 0.5) }),
    ...zeroPair(adj, 0, surface),
    ...adjointUpdates(adj, medium, surface),
    srca.interpolate({ expr: adj.p.forward.add(adj.r.forward) }),
  ];
}

/**
 * Background (p, r), scattered (dp, dr): the forward step, then the scattered step whose sources
 * are dm·p_tt and dm·r_tt centred at t (they read p[t+1], r[t+1]: updated and injected first);
 * rec[t] = ½·P·(dp[t] + dr[t]).
 */
export function ttiBornEquations(
  pair: TTIPair, scattered: TTIPair, dm: Function, medium: TTIMedium, src: SparseTimeFunction, rec: SparseTimeFunction, surface?: FreeSurface,
): (Eq | SparseOperation)[] {
  return [
    ...forwardUpdates(pair, medium, surface),
    src.inject({ field: pair.p.forward, expr: scaled(src, medium) }),
    src.inject({ field: pair.r.forward, expr: scaled(src, medium) }),
    ...zeroPair(pair, 1, surface),
    ...forwardUpdates(scattered, medium, surface, { p: dm.mul(pair.p.dt2), r: dm.mul(pair.r.dt2) }),
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
  adj: TTIPair, pair: TTIPair, grad: Function, medium: TTIMedium, residual: SparseTimeFunction, surface?: FreeSurface,
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
    ...zeroPair(adj, 0, surface),
    eqOn(grad, grad.sub(update), surface?.below),
    ...adjointUpdates(adj, medium, surface),
  ];
}
