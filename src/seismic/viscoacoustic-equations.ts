/**
 * The equations of the visco-acoustic operators: one standard linear solid (SLS, Zener body) per
 * point, as in Blanch & Symes (1995) / Robertsson et al. (1994), in a second-order pressure form.
 *
 * Continuous model. The modulus relaxes as M(ω) = (1 + iωτ_ε)/(1 + iωτ_σ) times the relaxed one
 * (1/m: vp is the zero-frequency velocity, as in Devito). With L = τ_ε/τ_σ and one memory variable,
 *
 *   m·p_tt + η·p_t − L·Δp − r = f,    r_t = −r/τ_σ − ((L − 1)/τ_σ)·Δp.
 *
 * Q → τ at the reference frequency ω₀ = 2π·f_ref (x = 1/Q): ω₀τ_σ = a = √(1 + x²) − x and
 * τ_ε = 1/(ω₀²τ_σ), which puts Re M / Im M = Q exactly at ω₀ (its peak); L − 1 = 2x/a in closed
 * form, so a huge Q does not lose L − 1 to cancellation.
 *
 * Discretisation (why this one). p is leapfrog as in the acoustic solver; r lives at half steps
 * and its relaxation is trapezoidal, r(t+½) = c₁·r(t−½) − c₂·Δp[t], with the p equation reading
 * the average of r(t±½). Eliminating r(t+½) from that average gives the explicit step, with ρ the
 * memory variable in Laplacian units (r = c₂·ρ, so it stays well defined as Q → ∞):
 *
 *   a·p[t+1] = 2m/dt²·p[t] − b·p[t−1] + Λ·Δp[t] + c_f·ρ[t] + Pᵀs[t],   ρ[t+1] = c₁·ρ[t] − Δp[t]
 *
 * with h = dt/(2τ_σ), c₁ = (1 − h)/(1 + h), c_f = c₂/(1 + h), Λ = 1 + (L − 1)/(1 + h) and a, b as in
 * acoustic-equations.ts. In z-transform terms the step is exactly m·(z − 2 + z⁻¹)/dt² = −λ·M(s)
 * with s = (2/dt)(z − 1)/(z + 1) (Tustin), so the discrete Q at ω₀ is the continuous one to
 * O((ω₀dt)²), and at Q = ∞ (L = 1, c_f = 0) the p update is term by term the acoustic one.
 * Stability: a root crosses the unit circle only at z = −1, where M = L (the unrelaxed modulus);
 * so the leapfrog limit holds for the unrelaxed velocity vp·√L.
 *
 * Exact adjoint. Dividing the p row by Λ (pointwise, constant in time) leaves every Δ acting on a
 * bare field, so the transposed recursion needs no Laplacian of a product:
 *
 *   a·v[t−1] = 2m/dt²·v[t] − b·v[t+1] + Λ·(Δv[t] − Δw[t]) + Λ·Pᵀd[t],   w[t−1] = c₁·w[t] + (c_f/Λ)·v[t]
 *
 * and the adjoint source is P(v[t+1]/Λ). The m-gradient is −Σ_t v[t+1]·p_tt[t]/Λ (Λ does not
 * depend on m: Q and dt fix it).
 *
 * Free surface (optional, the top face). Exactly the acoustic construction (acoustic-equations.ts):
 * every Δ (of p, of ρ's source, of v and of w) is evaluated below the surface only, with the
 * field mirrored oddly about it inside the stencils of the r − 1 rows next to it (one equation
 * per row on its own subdomain); p's and v's surface rows are zeroed once injected, and the
 * memory variables and the gradient live below the surface. The mirrored Δ is symmetric on the
 * points below the surface, which is all the transposition argument above uses.
 */
import type { Eq } from '../dsl/eq.ts';
import type { Expr } from '../dsl/expr.ts';
import type { Function, TimeFunction } from '../dsl/functions.ts';
import { solve } from '../dsl/solve.ts';
import type { SparseOperation, SparseTimeFunction } from '../dsl/sparse.ts';
import { eqOn, laplacianRegions, zeroSurface, type FreeSurface } from './acoustic-equations.ts';

/** Per-point SLS constants on the padded grid (fixed by Q, the reference frequency and dt). */
export interface SlsFields {
  /** Squared slowness and sponge damping, as in the acoustic solver. */
  readonly m: Function;
  readonly damp: Function;
  /** Λ = 1 + (L − 1)/(1 + h): the instantaneous stiffness of the step. */
  readonly lam: Function;
  /** c₁ = (1 − h)/(1 + h): one step of memory relaxation. */
  readonly decay: Function;
  /** c_f: how the memory variable enters the p update. */
  readonly couple: Function;
  /** c_f/Λ: the same coupling in the transposed recursion. */
  readonly coupleT: Function;
  /** 1/Λ: the row scaling the adjoint source and the gradient read. */
  readonly invLam: Function;
}

/** The SLS constants of one point. */
export interface SlsConstants {
  readonly tauSigma: number;
  readonly tauEpsilon: number;
  /** L = τ_ε/τ_σ: unrelaxed over relaxed modulus. */
  readonly unrelaxed: number;
  readonly lam: number;
  readonly decay: number;
  readonly couple: number;
}

/** Quality factor Q, reference frequency f (kHz), dt (ms) → τ_σ, τ_ε (ms) and the scheme's constants. */
export function slsConstants(q: number, f: number, dt: number): SlsConstants {
  const omega = 2 * Math.PI * f;
  const x = 1 / q;
  const a = Math.sqrt(1 + x * x) - x;
  const tauSigma = a / omega;
  const excess = (2 * x) / a; // L − 1
  const h = dt / (2 * tauSigma);
  const c2 = (dt * excess) / tauSigma / (1 + h);
  return {
    tauSigma,
    tauEpsilon: 1 / (a * omega),
    unrelaxed: 1 + excess,
    lam: 1 + excess / (1 + h),
    decay: (1 - h) / (1 + h),
    couple: c2 / (1 + h),
  };
}

/** `m·p_tt + η·p_t − Λ·Δp − c_f·ρ` (Δ given: plain or mirrored), solved for p[t+1]. */
function forwardPde(p: TimeFunction, r: TimeFunction, f: SlsFields, laplace: (g: TimeFunction) => Expr): Expr {
  return f.m.mul(p.dt2).add(f.damp.mul(p.dt)).sub(f.lam.mul(laplace(p))).sub(f.couple.mul(r));
}

/** `m·v_tt − η·v_t − Λ·(Δv − Δw)`, solved for v[t−1]: the transposed p recursion. */
function adjointPde(v: TimeFunction, w: TimeFunction, f: SlsFields, laplace: (g: TimeFunction) => Expr): Expr {
  return f.m.mul(v.dt2).sub(f.damp.mul(v.dt)).sub(f.lam.mul(laplace(v).sub(laplace(w))));
}

/** `s·dt²/m`: a⁻¹·s at the physical points sources sit on (η = 0 there). */
function scaled(sparse: SparseTimeFunction, { m }: SlsFields): Expr {
  const dt = m.grid.time.spacing;
  return sparse.mul(dt.pow(2)).div(m);
}

/** `d·Λ·dt²/m`: (a/Λ)⁻¹·d, the receiver data entering the scaled transposed row. */
function scaledAdjoint(sparse: SparseTimeFunction, f: SlsFields): Expr {
  return scaled(sparse, f).mul(f.lam);
}

/**
 * p[t+1] (plus `extra` in its PDE), and ρ[t+1] = c₁·ρ[t] − Δp[t] (reads p[t] only, so the order
 * is free): one equation each per region (the whole grid, or under a surface its deep points and rows).
 */
function step(p: TimeFunction, r: TimeFunction, f: SlsFields, surface: FreeSurface | undefined, extra?: Expr): { p: Eq[]; r: Eq[] } {
  const regions = laplacianRegions(surface);
  return {
    p: regions.map(({ subdomain, laplace }) => {
      const pde = forwardPde(p, r, f, laplace);
      return eqOn(p.forward, solve(extra === undefined ? pde : pde.add(extra), p.forward), subdomain);
    }),
    r: regions.map(({ subdomain, laplace }) => eqOn(r.forward, f.decay.mul(r).sub(laplace(p)), subdomain)),
  };
}

/** At time t: p[t+1] and ρ[t+1]; src[t] injected into p[t+1] (then its surface row zeroed); rec[t] = P·p[t]. */
export function viscoForwardEquations(
  p: TimeFunction, r: TimeFunction, f: SlsFields, src: SparseTimeFunction, rec: SparseTimeFunction, surface?: FreeSurface,
): (Eq | SparseOperation)[] {
  const { p: pEqs, r: rEqs } = step(p, r, f, surface);
  return [...pEqs, src.inject({ field: p.forward, expr: scaled(src, f) }), ...zeroSurface(p, 1, surface), ...rEqs, rec.interpolate({ expr: p })];
}

/**
 * At time t (running backwards): rec[t] injected into v[t], completing it; v[t−1] and w[t−1] from
 * v[t], v[t+1], w[t]; srca[t] = P·(v[t+1]/Λ).
 */
export function viscoAdjointEquations(
  v: TimeFunction, w: TimeFunction, f: SlsFields, rec: SparseTimeFunction, srca: SparseTimeFunction, surface?: FreeSurface,
): (Eq | SparseOperation)[] {
  return [
    rec.inject({ field: v, expr: scaledAdjoint(rec, f) }),
    ...zeroSurface(v, 0, surface),
    ...adjointStep(v, w, f, surface),
    srca.interpolate({ expr: v.forward.mul(f.invLam) }),
  ];
}

/** v[t−1] per region, then w[t−1] (pointwise: everywhere, or below the surface). */
function adjointStep(v: TimeFunction, w: TimeFunction, f: SlsFields, surface: FreeSurface | undefined): Eq[] {
  return [
    ...laplacianRegions(surface).map(({ subdomain, laplace }) => eqOn(v.backward, solve(adjointPde(v, w, f, laplace), v.backward), subdomain)),
    eqOn(w.backward, f.decay.mul(w).add(f.coupleT.mul(v)), surface?.below),
  ];
}

/**
 * Born: the background (p, ρ) and the scattered (dp, dρ) fields, whose source is −dm·p_tt[t]
 * (reads p[t+1], so p is updated and injected first); rec[t] = P·dp[t].
 */
export function viscoBornEquations(
  p: TimeFunction, r: TimeFunction, dp: TimeFunction, dr: TimeFunction, dm: Function, f: SlsFields, src: SparseTimeFunction, rec: SparseTimeFunction,
  surface?: FreeSurface,
): (Eq | SparseOperation)[] {
  const background = step(p, r, f, surface);
  const scattered = step(dp, dr, f, surface, dm.mul(p.dt2));
  return [
    ...background.p,
    src.inject({ field: p.forward, expr: scaled(src, f) }),
    ...zeroSurface(p, 1, surface),
    ...background.r,
    ...scattered.p,
    ...scattered.r,
    rec.interpolate({ expr: dp }),
  ];
}

/**
 * At time t (backwards): residual[t] into v[t]; grad −= (p[t]·(v[t] − 2v[t+1]) + p[t−1]·v[t+1])/(dt²·Λ)
 * — −Σ v[t+1]·p_tt[t]/Λ summed by parts as in acoustic-equations.ts, so step t reads the two
 * forward levels p[t], p[t−1] and never the memory variable; then v[t−1], w[t−1].
 */
export function viscoGradientEquations(
  v: TimeFunction, w: TimeFunction, p: TimeFunction, grad: Function, f: SlsFields, residual: SparseTimeFunction, surface?: FreeSurface,
): (Eq | SparseOperation)[] {
  const dt = f.m.grid.time.spacing;
  const vNext = v.forward;
  const update = p.toExpr().mul(v.toExpr().sub(vNext.mul(2))).add(p.backward.mul(vNext)).mul(f.invLam).div(dt.pow(2));
  return [
    residual.inject({ field: v, expr: scaledAdjoint(residual, f) }),
    ...zeroSurface(v, 0, surface),
    eqOn(grad, grad.sub(update), surface?.below),
    ...adjointStep(v, w, f, surface),
  ];
}

/** rec[t] = P·p[t] alone, for the last time index. */
export function viscoSampleEquations(p: TimeFunction, rec: SparseTimeFunction): SparseOperation[] {
  return [rec.interpolate({ expr: p })];
}
