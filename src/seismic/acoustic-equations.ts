/**
 * The equations of the acoustic operators (pure: fields in, Eq / sparse operations out). Every
 * PDE is `m·u_tt − Δu + η·u_t = f` on the padded grid with centred differences in time:
 *
 *   a·u[t+1] = K·u[t] − b·u[t−1] + f[t],   a = m/dt² + η/(2dt),  b = m/dt² − η/(2dt),  K = 2m/dt² + Δ_h
 *
 * The adjoint solves the transposed recursion `a·v[t−1] = K·v[t] − b·v[t+1] + g[t]`, which is the
 * same PDE with the damping sign flipped and time reversed (Δ_h is symmetric: centred weights,
 * zero halo). A point source enters f as Pᵀ·s; with η = 0 at every physical point, a⁻¹ = dt²/m
 * there, so injecting `s·dt²/m` into the updated field is exactly a⁻¹·Pᵀ·s.
 */
import { Eq } from '../dsl/eq.ts';
import type { Expr } from '../dsl/expr.ts';
import type { Function, TimeFunction } from '../dsl/functions.ts';
import { solve } from '../dsl/solve.ts';
import type { SparseOperation, SparseTimeFunction } from '../dsl/sparse.ts';

/** The fields every acoustic operator reads: squared slowness and damping on the padded grid. */
export interface MediumFields {
  readonly m: Function;
  readonly damp: Function;
}

/** `m·u_tt − Δu + η·u_t` (forward in time). */
function forwardPde(u: TimeFunction, { m, damp }: MediumFields): Expr {
  return m.mul(u.dt2).sub(u.laplace).add(damp.mul(u.dt));
}

/** `m·v_tt − Δv − η·v_t`: the transposed recursion, solved for v[t−1]. */
function adjointPde(v: TimeFunction, { m, damp }: MediumFields): Expr {
  return m.mul(v.dt2).sub(v.laplace).sub(damp.mul(v.dt));
}

/** `s·dt²/m`: a⁻¹·s at the physical points sources and receivers sit on. */
function scaled(sparse: SparseTimeFunction, { m }: MediumFields): Expr {
  const dt = m.grid.time.spacing;
  return sparse.mul(dt.pow(2)).div(m);
}

/**
 * Wavefield, medium, source and receivers → the forward equations. At time t: u[t+1] from u[t], u[t−1]; src[t] injected into u[t+1];
 * rec[t] = P·u[t].
 */
export function forwardEquations(u: TimeFunction, medium: MediumFields, src: SparseTimeFunction, rec: SparseTimeFunction): (Eq | SparseOperation)[] {
  return [
    new Eq(u.forward, solve(forwardPde(u, medium), u.forward)),
    src.inject({ field: u.forward, expr: scaled(src, medium) }),
    rec.interpolate({ expr: u }),
  ];
}

/** Wavefield and medium → the forward update alone (no sources, no receivers): the bare kernel, for benchmarks. */
export function stencilEquations(u: TimeFunction, medium: MediumFields): Eq[] {
  return [new Eq(u.forward, solve(forwardPde(u, medium), u.forward))];
}

/**
 * Adjoint wavefield, medium, receiver data and source-side output → the adjoint equations. At
 * time t (time runs backwards): rec[t] injected into v[t], which completes
 * it; v[t−1] from v[t], v[t+1]; srca[t] = P·v[t+1], the adjoint of injecting src[t] into u[t+1].
 */
export function adjointEquations(v: TimeFunction, medium: MediumFields, rec: SparseTimeFunction, srca: SparseTimeFunction): (Eq | SparseOperation)[] {
  return [
    rec.inject({ field: v, expr: scaled(rec, medium) }),
    new Eq(v.backward, solve(adjointPde(v, medium), v.backward)),
    srca.interpolate({ expr: v.forward }),
  ];
}

/**
 * Background and scattered wavefields, dm, medium, source, receivers → the Born equations. At
 * time t: the background u (as forward) and the scattered field du, whose
 * source is the linearisation of the residual in m, −dm·u_tt centred at t (it reads u[t+1], so
 * u is updated and injected first); rec[t] = P·du[t].
 */
export function bornEquations(
  u: TimeFunction, du: TimeFunction, dm: Function, medium: MediumFields, src: SparseTimeFunction, rec: SparseTimeFunction,
): (Eq | SparseOperation)[] {
  return [
    new Eq(u.forward, solve(forwardPde(u, medium), u.forward)),
    src.inject({ field: u.forward, expr: scaled(src, medium) }),
    new Eq(du.forward, solve(forwardPde(du, medium).add(dm.mul(u.dt2)), du.forward)),
    rec.interpolate({ expr: du }),
  ];
}

/**
 * Adjoint wavefield, saved or ring forward wavefield, gradient accumulator, medium, residual → the
 * gradient equations. At time t (time runs backwards): residual[t] injected into v[t]; then
 *
 *   grad −= (u[t]·(v[t] − 2·v[t+1]) + u[t−1]·v[t+1]) / dt²
 *
 * and v[t−1] from v[t], v[t+1]. Summed over t = nt−1 … 2 this is −Σ_t v[t+1]·u_tt[t], the
 * transpose of Born's source term, regrouped (summation by parts, exact since u[0] = u[1] = 0 and
 * v[nt] = 0) so that step t reads u at t and t−1 only: the two time levels a forward checkpoint
 * holds.
 */
export function gradientEquations(
  v: TimeFunction, u: TimeFunction, grad: Function, medium: MediumFields, residual: SparseTimeFunction,
): (Eq | SparseOperation)[] {
  const dt = medium.m.grid.time.spacing;
  const uNow = u.toExpr();
  const vNext = v.forward;
  const update = uNow.mul(v.toExpr().sub(vNext.mul(2))).add(u.backward.mul(vNext)).div(dt.pow(2));
  return [
    residual.inject({ field: v, expr: scaled(residual, medium) }),
    new Eq(grad, grad.sub(update)),
    new Eq(v.backward, solve(adjointPde(v, medium), v.backward)),
  ];
}

/** Wavefield and receivers → rec[t] = P·u[t] alone: samples the last time index, which no update step reaches. */
export function sampleEquations(u: TimeFunction, rec: SparseTimeFunction): SparseOperation[] {
  return [rec.interpolate({ expr: u })];
}
