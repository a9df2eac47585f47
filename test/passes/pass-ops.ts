/** The operator built with each optimisation pass switched off in turn (its fully optimised C is test/fixtures/golden/passes-all.c). */
import { Eq, Function, Grid, Operator, TimeFunction, solve, type PassOptions } from '../../src/index.ts';

export const PASS_NAMES = ['factorize', 'hoist', 'cse', 'blocking', 'timeTiling', 'jam', 'fixedStrides', 'openmp', 'vectorWindows'] as const;
export type PassName = (typeof PASS_NAMES)[number];

/**
 * 3D acoustic, spaceOrder 4, float32, with `without` switched off (or everything on); `padding`
 * false gives the fields the dense layout (rows of domain + halo, no 64-byte padding).
 */
export function passOperator(without?: PassName, dtype: 'float32' | 'float64' = 'float32', padding = true) {
  const grid = new Grid({ shape: [21, 18, 15], extent: [200, 170, 140], dtype });
  const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder: 4, padding });
  const m = new Function({ name: 'm', grid, spaceOrder: 4, padding });
  const passes: Partial<PassOptions> = without ? { [without]: false } : {};
  const name = padding ? `acoustic_${without ?? 'all'}` : `acoustic_dense${without ? `_${without}` : ''}`;
  const op = new Operator([new Eq(u.forward, solve(m.mul(u.dt2).sub(u.laplace), u.forward))], { name, passes });
  return { grid, u, m, op };
}
