/**
 * The two operators whose generated C is pinned by golden files in test/fixtures/golden/
 * (checked, or rewritten with UPDATE_GOLDEN=1, by test/golden.ts).
 * Each call builds everything afresh (new Grid, fields and Operator objects).
 */
import { Constant, Eq, Function, Grid, Operator, TimeFunction, solve } from '../../src/index.ts';

/** 2D acoustic wave equation m·u.dt2 − Δu = 0, timeOrder 2, spaceOrder 4, solved for u.forward. */
export function acousticOperator(): Operator {
  const grid = new Grid({ shape: [11, 13], extent: [100, 120] });
  const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder: 4 });
  const m = new Function({ name: 'm', grid, spaceOrder: 4 });
  const pde = m.mul(u.dt2).sub(u.laplace);
  return new Operator([new Eq(u.forward, solve(pde, u.forward))], { name: 'acoustic' });
}

/** 1D diffusion u.dt − a·u.dx2 = 0 with a Constant `a`, timeOrder 1, spaceOrder 2. */
export function diffusionOperator(): Operator {
  const grid = new Grid({ shape: [21], extent: [1] });
  const u = new TimeFunction({ name: 'u', grid, timeOrder: 1, spaceOrder: 2 });
  const a = new Constant({ name: 'a', value: 0.5 });
  const pde = u.dt.sub(a.mul(u.dx2));
  return new Operator([new Eq(u.forward, solve(pde, u.forward))], { name: 'diffusion' });
}

export const GOLDEN = {
  acoustic: acousticOperator,
  diffusion: diffusionOperator,
} as const;
