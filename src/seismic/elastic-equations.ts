/**
 * The equations of the isotropic elastic velocity–stress operator (pure: fields in, Eq / sparse
 * operations out), as Devito's examples/seismic/elastic, on a staggered grid (Virieux 1986):
 *
 *   v_i[t+1] = M·(v_i[t] + dt·b_i·(Σ_j ∂_j τ_ij[t] + f_i))
 *   τ_ii[t+1] = M·(τ_ii[t] + dt·(λ·div v[t+1] + 2μ·∂_i v_i[t+1]))
 *   τ_ij[t+1] = M·(τ_ij[t] + dt·μ_ij·(∂_j v_i[t+1] + ∂_i v_j[t+1]))          (i ≠ j)
 *
 * v_i sits half a cell along i, τ_ij (i ≠ j) half a cell along i and j, the diagonal on the nodes
 * (VectorTimeFunction / TensorTimeFunction); each derivative is evaluated where the updated field
 * sits. v[t] stands for the velocity at t − ½. M is a multiplicative damping mask (1 in the
 * physical domain), as Devito damps its first-order systems. Plain parameter reads are not
 * averaged by the DSL, so the parameters are given already averaged onto each field's points
 * (b_i and μ_ij below are separate Functions holding the values at v_i's and τ_ij's points).
 *
 * A force source `s` (force per unit volume) is injected on the nodes and averaged onto v_i's points
 * as f_i. Pressure p = −tr τ / ndim. An explosive source adds −dt·s to every τ_ii[t+1], so p rises at the
 * rate s: with vs = 0 and ρ = 1 this is exactly the acoustic leapfrog
 * m·(p[t+1] − 2p[t] + p[t−1])/dt² − D₋·D₊p[t] = m·(s[t] − s[t−1])/dt (D₋·D₊ the staggered Laplacian).
 */
import { Eq } from '../dsl/eq.ts';
import type { AccessExpr, Expr } from '../dsl/expr.ts';
import type { Function } from '../dsl/functions.ts';
import type { Dimension } from '../dsl/dimension.ts';
import { solve } from '../dsl/solve.ts';
import type { SparseOperation, SparseTimeFunction } from '../dsl/sparse.ts';
import { SubDimension, SubDomain } from '../dsl/subdomain.ts';
import type { TensorTimeFunction, VectorTimeFunction } from '../dsl/tensor.ts';
import { div } from '../dsl/vector-calculus.ts';

/**
 * Where the source acts: on the diagonal stresses (explosive) or as a body force along x, y (3D
 * only) or the vertical z (the last axis, named y in 2D grids).
 */
export type ElasticSource = 'explosive' | 'force-x' | 'force-y' | 'force-z';

/** The axis a force source pushes along (z: the last), or undefined for the explosive source. */
export function forceAxisOf(source: ElasticSource, ndim: number): number | undefined {
  switch (source) {
    case 'explosive': return undefined;
    case 'force-x': return 0;
    case 'force-y': return 1;
    case 'force-z': return ndim - 1;
  }
}

/** The medium as the update reads it, each parameter at the points of the field it multiplies. */
export interface ElasticMedium {
  /** λ on the nodes. */
  readonly lam: Function;
  /** μ on the nodes (the diagonal stresses). */
  readonly mu: Function;
  /** Buoyancy 1/ρ at v_i's points (arithmetic mean of the two nodes around it). */
  readonly buoyancy: readonly Function[];
  /** μ at τ_ij's points (harmonic mean of the four nodes around it), for i < j. */
  readonly shear: ReadonlyMap<string, Function>;
  /** Damping multiplier: 1 in the physical domain, exp(−σ·dt/2) in the absorbing layer. */
  readonly mask: Function;
  /** 2μλ/(λ + 2μ): the surface's λ once ∂_z v_z is eliminated by τ_zz = 0 (free surface only). */
  readonly surfaceLam?: Function;
}

/** The wavefields, the helper fields some variants need, the point sets. */
export interface ElasticFields {
  readonly v: VectorTimeFunction;
  readonly tau: TensorTimeFunction;
  readonly src: SparseTimeFunction;
  /** Pressure receivers (−tr τ / ndim at time t). */
  readonly rec1: SparseTimeFunction;
  /** Vertical-velocity receivers (v_z at t − ½, averaged onto the nodes). */
  readonly rec2: SparseTimeFunction;
  /** v_z averaged onto the nodes: sparse operations sample node fields only. */
  readonly vzNode: Function;
  /** Body force on the nodes, zeroed and injected every step (force sources only). */
  readonly force?: Function;
}

/**
 * Free-surface placement: the surface is node row `surface` of the vertical (last) axis, imaged
 * over `rows` rows. `copies` are node Functions (halo ≥ 2·rows) holding the rows below the surface
 * the images read — τ_zz first, then each τ_iz — since an equation may not read its own target at
 * other points (the lowering cannot see that the rows are disjoint).
 */
export interface FreeSurface {
  readonly surface: number;
  readonly rows: number;
  readonly copies: readonly Function[];
}

export const shearKey = (i: number, j: number): string => `${Math.min(i, j)}${Math.max(i, j)}`;

/** The forward operator's equations; at time t: receivers sample the state at t, then one step writes t + 1. */
export function elasticForwardEquations(
  fields: ElasticFields, medium: ElasticMedium, source: ElasticSource, freeSurface?: FreeSurface,
): (Eq | SparseOperation)[] {
  const { v, tau, src, rec1, rec2, vzNode, force } = fields;
  const dims = v.grid.dimensions;
  const ndim = dims.length;
  const z = dims[ndim - 1]!;
  const vz = v.components[ndim - 1]!;
  const dt = v.grid.time.spacing;
  const out: (Eq | SparseOperation)[] = [
    // v_z's point j sits at z_j + h/2: node j lies between points j − 1 and j.
    new Eq(vzNode, vz.add(vz.shift(z, -1)).mul(0.5)),
    rec2.interpolate({ expr: vzNode }),
    rec1.interpolate({ expr: tau.trace.mul(-1 / ndim) }),
  ];
  const forceAxis = forceAxisOf(source, ndim);
  if (force) {
    out.push(new Eq(force, 0), src.inject({ field: force, expr: src }));
  }
  const divTau = div(tau).exprs;
  v.components.forEach((vi, i) => {
    let rhs: Expr = divTau[i]!;
    // The force on the nodes, averaged onto v_i's points (half a cell along i).
    if (force && i === forceAxis) rhs = rhs.add(force.add(force.shift(dims[i]!, 1)).mul(0.5));
    const pde = vi.dt.sub(medium.buoyancy[i]!.mul(rhs));
    out.push(new Eq(vi.forward, medium.mask.mul(solve(pde, vi.forward))));
  });
  out.push(...stressUpdates(v, tau, medium));
  if (source === 'explosive') {
    for (let i = 0; i < ndim; i++) out.push(src.inject({ field: tau.components[i]![i]!.forward, expr: src.mul(dt).mul(-1) }));
  }
  if (freeSurface) out.push(...freeSurfaceEquations(v, tau, medium, freeSurface, z));
  return out;
}

/** τ[t+1] from τ[t] and v[t+1] on the whole grid (the free surface then overwrites the rows at and above it). */
function stressUpdates(v: VectorTimeFunction, tau: TensorTimeFunction, medium: ElasticMedium): Eq[] {
  const dims = v.grid.dimensions;
  const ndim = dims.length;
  const vf = v.forward.exprs;
  const divV = div(v.forward);
  const eqs: Eq[] = [];
  for (let i = 0; i < ndim; i++) {
    for (let j = i; j < ndim; j++) {
      const tij = tau.components[i]![j]!;
      const rate = i === j
        ? medium.lam.mul(divV).add(medium.mu.mul(2).mul(vf[i]!.diff(dims[i]!, 1)))
        : medium.shear.get(shearKey(i, j))!.mul(vf[i]!.diff(dims[j]!, 1).add(vf[j]!.diff(dims[i]!, 1)));
      eqs.push(new Eq(tij.forward, medium.mask.mul(solve(tij.dt.sub(rate), tij.forward))));
    }
  }
  return eqs;
}

/**
 * Traction-free surface by stress imaging (Levander 1988), written as equations on one-row
 * subdomains after the stress update. With the surface on node row z₀ (where τ_zz sits):
 * - τ_zz = 0 on z₀, and τ_zz(z₀ − k) = −τ_zz(z₀ + k) for k = 1 … rows; the shear stresses τ_iz
 *   (half a cell below their index) are odd about z₀ too: τ_iz[z₀ − 1 − k] = −τ_iz[z₀ + k].
 * - the horizontal diagonal stresses on z₀ use τ_zz = 0 to eliminate ∂_z v_z, which would reach
 *   into the air: τ_ii_t = 2μ·∂_i v_i + (2μλ/(λ+2μ))·Σ_h ∂_h v_h.
 * - every other stress above the surface is zero: the air carries no stress, so the velocities
 *   computed there (which the stencils below the surface read) see only the images.
 * `rows` = spaceOrder/2 images cover every stencil that reaches above the surface.
 */
function freeSurfaceEquations(v: VectorTimeFunction, tau: TensorTimeFunction, medium: ElasticMedium, fs: FreeSurface, z: Dimension): Eq[] {
  const dims = v.grid.dimensions;
  const ndim = dims.length;
  const nz = v.grid.shape[ndim - 1]!;
  const { surface, rows, copies } = fs;
  /** Rows `first … last` of the vertical axis. */
  const strip = (first: number, last: number, name: string): SubDomain => new SubDomain({
    name, dimensions: [SubDimension.middle({ name: `z${name}`, parent: z, left: first, right: nz - 1 - last })],
  });
  const row = (r: number): SubDomain => strip(r, r, `fs_row${r}`);
  /** A copy (no time axis), `k` points further down. */
  const below = (field: Function, k: number): AccessExpr => field.at(...dims.map((_, a) => (a === ndim - 1 ? k : 0)));
  const horizontal = dims.slice(0, ndim - 1);
  const vf = v.forward.exprs;
  const eqs: Eq[] = [];
  const top = row(surface);
  const divH = horizontal.map((d, h) => vf[h]!.diff(d, 1)).reduce((a, b) => a.add(b));
  horizontal.forEach((d, i) => {
    const tii = tau.components[i]![i]!;
    const rate = medium.mu.mul(2).mul(vf[i]!.diff(d, 1)).add(medium.surfaceLam!.mul(divH));
    eqs.push(new Eq(tii.forward, medium.mask.mul(solve(tii.dt.sub(rate), tii.forward)), { subdomain: top }));
  });
  const tzz = tau.components[ndim - 1]![ndim - 1]!;
  eqs.push(new Eq(tzz.forward, 0, { subdomain: top }));
  const zzCopy = copies[0]!;
  eqs.push(new Eq(zzCopy, tzz.forward, { subdomain: strip(surface + 1, surface + rows, 'fs_below_zz') }));
  for (let k = 1; k <= rows; k++) eqs.push(new Eq(tzz.forward, below(zzCopy, 2 * k).mul(-1), { subdomain: row(surface - k) }));
  // τ_iz's index j sits at z_j + h/2: index z₀ − 1 − k mirrors index z₀ + k.
  const shearBelow = strip(surface, surface + rows - 1, 'fs_below_iz');
  for (let i = 0; i < ndim - 1; i++) {
    const tiz = tau.components[i]![ndim - 1]!;
    const copy = copies[1 + i]!;
    eqs.push(new Eq(copy, tiz.forward, { subdomain: shearBelow }));
    for (let k = 0; k < rows; k++) eqs.push(new Eq(tiz.forward, below(copy, 2 * k + 1).mul(-1), { subdomain: row(surface - 1 - k) }));
  }
  // The air beyond the images: τ_zz and τ_iz above row z₀ − rows, the horizontal stresses above z₀.
  const air = (thickness: number, name: string): SubDomain =>
    new SubDomain({ name, dimensions: [SubDimension.left({ name: `z${name}`, parent: z, thickness })] });
  if (surface - rows >= 1) {
    const far = air(surface - rows, 'fs_far');
    eqs.push(new Eq(tzz.forward, 0, { subdomain: far }));
    for (let i = 0; i < ndim - 1; i++) eqs.push(new Eq(tau.components[i]![ndim - 1]!.forward, 0, { subdomain: far }));
  }
  const above = air(surface, 'fs_air');
  for (let i = 0; i < ndim - 1; i++) {
    for (let j = i; j < ndim - 1; j++) eqs.push(new Eq(tau.components[i]![j]!.forward, 0, { subdomain: above }));
  }
  return eqs;
}
