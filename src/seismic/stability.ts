import { finiteDifferenceWeights, stencilPoints } from '../dsl/fd-weights.ts';

/**
 * Fraction of the leapfrog stability limit taken as the critical time step. Devito's
 * coefficients (0.42·h/v in 2D, 0.38·h/v in 3D) sit at 76–84% of the limit for spaceOrder 8;
 * 0.8 keeps a similar margin for every order.
 */
export const CFL_SAFETY = 0.8;

/**
 * (spacing, spaceOrder, maximum velocity) → the largest stable leapfrog time step, in the units
 * of spacing / velocity (m and km/s = m/ms give ms).
 *
 * The centred second derivative of accuracy `spaceOrder` has symbol −Σ w_k e^{ikθ}/h², largest
 * in magnitude at the Nyquist wavenumber, where it is Σ|w_k|/h² (the weights alternate in sign).
 * Leapfrog for u_tt = c²Δu is stable while c²·dt²·Σ_d Σ|w_k|/h_d² ≤ 4, damping only helps.
 */
export function stabilityLimit(spacing: readonly number[], spaceOrder: number, vmax: number): number {
  const points = stencilPoints(2, spaceOrder);
  const sumAbs = finiteDifferenceWeights(2, points).reduce((sum, w) => sum + Math.abs(w), 0);
  const symbol = spacing.reduce((sum, h) => sum + sumAbs / (h * h), 0);
  return 2 / (vmax * Math.sqrt(symbol));
}
