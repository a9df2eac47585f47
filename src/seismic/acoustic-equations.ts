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
 *
 * Free surface (pressure zero at the physical top face z = origin, padded row z_s = nbl). The
 * field is taken as odd about the surface, u[z_s − k] = −u[z_s + k] and u[z_s] = 0, and that
 * mirror is folded into the stencil (Devito's way in examples/seismic/acoustic): the r − 1 rows
 * nearest the surface (r = spaceOrder/2) each get their own equation, whose z second derivative
 * reads −u at row z_s + k wherever the centred stencil would reach row z_s − k above the
 * surface, and skips the surface row. Nothing above the surface is read or written, so the top
 * absorbing layer goes unused. The coefficient linking rows z_s + j and z_s + p is then
 * w(p − j) − w(p + j), symmetric in j and p (the weights depend on distance alone, and each
 * coefficient is one rounded subtraction, so even the floating-point coefficients agree): the
 * update below the surface is still symmetric and the transposition argument above holds. Each field's surface
 * row is zeroed once the field is complete — after its injection (forward: u[t+1] after src[t];
 * adjoint: v[t] after rec[t]) — so what a point next to the surface injects onto it is dropped,
 * and receivers on it record zero, in both directions alike.
 */
import { Eq } from '../dsl/eq.ts';
import { AccessExpr, add, mul, type Expr } from '../dsl/expr.ts';
import { finiteDifferenceWeights, stencilPoints } from '../dsl/fd-weights.ts';
import type { Function, TimeFunction } from '../dsl/functions.ts';
import type { Grid } from '../dsl/grid.ts';
import { solve } from '../dsl/solve.ts';
import type { SparseOperation, SparseTimeFunction } from '../dsl/sparse.ts';
import { SubDimension, SubDomain } from '../dsl/subdomain.ts';
import { InvalidArgumentError } from '../errors.ts';

/** The fields every acoustic operator reads: squared slowness and damping on the padded grid. */
export interface MediumFields {
  readonly m: Function;
  readonly damp: Function;
}

/** Where a free surface's equations run (see the file's comment); the surface is the top of the last axis. */
export interface FreeSurface {
  /** Accuracy order of the wavefields' Laplacian. */
  readonly spaceOrder: number;
  /** Every point strictly below the surface (where the gradient accumulates). */
  readonly below: SubDomain;
  /** The points r or more rows below the surface, whose stencil reaches no higher than the surface row. */
  readonly deep: SubDomain;
  /** Rows z_s + j, j = 1 … r − 1, whose stencil the mirror changes. */
  readonly rows: readonly { readonly j: number; readonly row: SubDomain }[];
  /** The surface row, held at zero. */
  readonly surface: SubDomain;
}

/**
 * The free surface of a padded `grid` whose physical domain starts `nbl` points down the last
 * axis (any nbl ≥ 0: nothing above the surface is used), for Laplacians of `spaceOrder`.
 */
export function freeSurface(grid: Grid, nbl: number, spaceOrder: number): FreeSurface {
  const r = spaceOrder / 2;
  const z = grid.dimensions[grid.ndim - 1]!;
  const n = grid.shape[grid.ndim - 1]!;
  if (nbl + r > n - 1) throw new InvalidArgumentError(`freeSurface: ${n - nbl} points below the surface are too few for spaceOrder ${spaceOrder}; use at least ${r + 1}`);
  const strip = (name: string, left: number, right: number): SubDomain =>
    new SubDomain({ name, dimensions: [SubDimension.middle({ name: `${name}_z`, parent: z, left, right })] });
  return {
    spaceOrder,
    below: strip('fs_below', nbl + 1, 0),
    deep: strip('fs_deep', nbl + r, 0),
    rows: Array.from({ length: r - 1 }, (_, i) => ({ j: i + 1, row: strip(`fs_row${i + 1}`, nbl + i + 1, n - 2 - nbl - i) })),
    surface: strip('fs_surface', nbl, n - 1 - nbl),
  };
}

/**
 * Δu at row z_s + j under the free surface: the second derivatives along the other axes as
 * usual, along z the centred weights with each read above the surface replaced by minus its
 * mirror image below, and the surface row (zero) left out. Coefficients of one point are summed
 * before they multiply it, in increasing order of the stencil point.
 */
function mirroredLaplacian(u: TimeFunction, j: number, surface: FreeSurface): Expr {
  const dims = u.grid.dimensions;
  const z = dims[dims.length - 1]!;
  const points = stencilPoints(2, surface.spaceOrder);
  const weights = finiteDifferenceWeights(2, points);
  const coefficients = new Map<number, number>();
  points.forEach((p, i) => {
    const row = j + p;
    if (row === 0) return;
    // Above the surface (row < 0): −u at row −row, i.e. offset −row − j from this point.
    const [offset, sign] = row > 0 ? [p, 1] : [-row - j, -1];
    coefficients.set(offset, (coefficients.get(offset) ?? 0) + sign * weights[i]!);
  });
  const terms = [...coefficients].sort(([a], [b]) => a - b).map(([offset, c]) => mul(c, u.shift(z, offset)));
  const along = add(...terms).mul(z.spacing.pow(-2));
  return add(...dims.slice(0, -1).map((d) => u.diff(d, 2)), along);
}

/**
 * `target` (a level of `field`) ← the solution of `pde(Δ field)`: one equation everywhere, or
 * under a free surface one for the deep points and one per row near the surface (Δ mirrored).
 */
function updates(field: TimeFunction, target: AccessExpr, pde: (laplacian: Expr) => Expr, surface: FreeSurface | undefined): Eq[] {
  if (surface === undefined) return [new Eq(target, solve(pde(field.laplace), target))];
  return [
    new Eq(target, solve(pde(field.laplace), target), { subdomain: surface.deep }),
    ...surface.rows.map(({ j, row }) => new Eq(target, solve(pde(mirroredLaplacian(field, j, surface)), target), { subdomain: row })),
  ];
}

/** Where one equation of a Laplacian-based update runs, and Δ there (see `laplacianRegions`). */
export interface LaplacianRegion {
  /** The subdomain the equation runs on (undefined: the whole grid, when there is no surface). */
  readonly subdomain: SubDomain | undefined;
  /** Δf of a wavefield whose space order is the surface's: mirrored about the surface on a row next to it. */
  readonly laplace: (f: TimeFunction) => Expr;
}

/**
 * The regions of `updates` for other solvers whose PDE reads Laplacians of bare wavefields (the
 * visco-acoustic one): the whole grid with the plain Δ, or under a free surface the deep points
 * with the plain Δ and each row next to the surface with the mirrored one. The same split and
 * the same mirrored stencil as the acoustic operators, so Δ stays symmetric on the points below
 * the surface.
 */
export function laplacianRegions(surface: FreeSurface | undefined): LaplacianRegion[] {
  if (surface === undefined) return [{ subdomain: undefined, laplace: (f) => f.laplace }];
  return [
    { subdomain: surface.deep, laplace: (f) => f.laplace },
    ...surface.rows.map(({ j, row }): LaplacianRegion => ({ subdomain: row, laplace: (f) => mirroredLaplacian(f, j, surface) })),
  ];
}

/** `lhs = rhs` on `subdomain` (everywhere when undefined). */
export function eqOn(lhs: AccessExpr | Function, rhs: Expr | number, subdomain: SubDomain | undefined): Eq {
  return subdomain === undefined ? new Eq(lhs, rhs) : new Eq(lhs, rhs, { subdomain });
}

/** Zero on the surface row of `field` at `timeOffset` (nothing without a surface). */
export function zeroSurface(field: TimeFunction, timeOffset: number, surface: FreeSurface | undefined): Eq[] {
  if (surface === undefined) return [];
  return [new Eq(new AccessExpr(field, timeOffset, field.dimensions.map(() => 0)), 0, { subdomain: surface.surface })];
}

/** `m·u_tt − Δu + η·u_t` (forward in time), Δu given. */
function forwardPde(u: TimeFunction, { m, damp }: MediumFields, laplacian: Expr): Expr {
  return m.mul(u.dt2).sub(laplacian).add(damp.mul(u.dt));
}

/** `m·v_tt − Δv − η·v_t`: the transposed recursion, solved for v[t−1], Δv given. */
function adjointPde(v: TimeFunction, { m, damp }: MediumFields, laplacian: Expr): Expr {
  return m.mul(v.dt2).sub(laplacian).sub(damp.mul(v.dt));
}

/** `s·dt²/m`: a⁻¹·s at the physical points sources and receivers sit on. */
function scaled(sparse: SparseTimeFunction, { m }: MediumFields): Expr {
  const dt = m.grid.time.spacing;
  return sparse.mul(dt.pow(2)).div(m);
}

/**
 * Wavefield, medium, source and receivers (and a free surface) → the forward equations. At time
 * t: u[t+1] from u[t], u[t−1]; src[t] injected into u[t+1] (then its surface row zeroed);
 * rec[t] = P·u[t].
 */
export function forwardEquations(
  u: TimeFunction, medium: MediumFields, src: SparseTimeFunction, rec: SparseTimeFunction, surface?: FreeSurface,
): (Eq | SparseOperation)[] {
  return [
    ...updates(u, u.forward, (lap) => forwardPde(u, medium, lap), surface),
    src.inject({ field: u.forward, expr: scaled(src, medium) }),
    ...zeroSurface(u, 1, surface),
    rec.interpolate({ expr: u }),
  ];
}

/** Wavefield and medium → the forward update alone (no sources, no receivers): the bare kernel, for benchmarks. */
export function stencilEquations(u: TimeFunction, medium: MediumFields, surface?: FreeSurface): Eq[] {
  return updates(u, u.forward, (lap) => forwardPde(u, medium, lap), surface);
}

/**
 * Adjoint wavefield, medium, receiver data and source-side output → the adjoint equations. At
 * time t (time runs backwards): rec[t] injected into v[t], which completes
 * it (then its surface row is zeroed); v[t−1] from v[t], v[t+1]; srca[t] = P·v[t+1], the adjoint of
 * injecting src[t] into u[t+1].
 */
export function adjointEquations(
  v: TimeFunction, medium: MediumFields, rec: SparseTimeFunction, srca: SparseTimeFunction, surface?: FreeSurface,
): (Eq | SparseOperation)[] {
  return [
    rec.inject({ field: v, expr: scaled(rec, medium) }),
    ...zeroSurface(v, 0, surface),
    ...updates(v, v.backward, (lap) => adjointPde(v, medium, lap), surface),
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
  surface?: FreeSurface,
): (Eq | SparseOperation)[] {
  return [
    ...updates(u, u.forward, (lap) => forwardPde(u, medium, lap), surface),
    src.inject({ field: u.forward, expr: scaled(src, medium) }),
    ...zeroSurface(u, 1, surface),
    ...updates(du, du.forward, (lap) => forwardPde(du, medium, lap).add(dm.mul(u.dt2)), surface),
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
 * holds. Under a free surface the sum runs below the surface only, where Born's source acts
 * (u is zero on and above it anyway, unless a user's saved u comes from another solver).
 */
export function gradientEquations(
  v: TimeFunction, u: TimeFunction, grad: Function, medium: MediumFields, residual: SparseTimeFunction, surface?: FreeSurface,
): (Eq | SparseOperation)[] {
  const dt = medium.m.grid.time.spacing;
  const uNow = u.toExpr();
  const vNext = v.forward;
  const increment = uNow.mul(v.toExpr().sub(vNext.mul(2))).add(u.backward.mul(vNext)).div(dt.pow(2));
  return [
    residual.inject({ field: v, expr: scaled(residual, medium) }),
    ...zeroSurface(v, 0, surface),
    surface === undefined ? new Eq(grad, grad.sub(increment)) : new Eq(grad, grad.sub(increment), { subdomain: surface.below }),
    ...updates(v, v.backward, (lap) => adjointPde(v, medium, lap), surface),
  ];
}

/** Wavefield and receivers → rec[t] = P·u[t] alone: samples the last time index, which no update step reaches. */
export function sampleEquations(u: TimeFunction, rec: SparseTimeFunction): SparseOperation[] {
  return [rec.interpolate({ expr: u })];
}
