import { describe, expect, it } from 'vitest';
import { compareArray } from './compare.ts';
import { fornbergWeights, spacePoints } from './fornberg.ts';
import { generateProgram } from './generate.ts';
import type { Node, Program } from './program.ts';
import { runReference } from './reference.ts';
import { runProgram, runSeed } from './run.ts';

/** A 1D float64 program with Functions fa, fb and the given equations, no time loop. */
function program1d(shape: number, statements: Program['statements'], spaceOrder = 2): Program {
  const field = (name: string) => ({ name, kind: 'function' as const, spaceOrder, timeOrder: 0, save: undefined, halo: undefined, padding: true });
  return {
    seed: 0, shape: [shape], extent: [shape - 1], origin: [0], dtype: 'float64', fields: [field('fa'), field('fb')],
    constants: [], sparses: [], statements, time: undefined, direction: 1, passes: {}, blockSizes: {}, threads: [1],
  };
}
const read = (name: string): Node => ({ op: 'field', name, time: 0, offsets: [0] });

describe('fuzz reference (hand-checked)', () => {
  it('computes Fornberg weights: [1, -2, 1] for a second derivative at order 2, [-1/2, 0, 1/2] for a first', () => {
    expect(fornbergWeights(2, [-1, 0, 1], 0)).toEqual([1, -2, 1]);
    expect(fornbergWeights(1, [-1, 0, 1], 0)).toEqual([-0.5, 0, 0.5]);
    expect(fornbergWeights(2, spacePoints(2, 4, 0), 0)).toEqual([-1 / 12, 4 / 3, -5 / 2, 4 / 3, -1 / 12]);
    expect(fornbergWeights(1, spacePoints(1, 2, 0.5), 0.5)).toEqual([-1, 1]);
  });

  it('gives exactly 2 for the second derivative of x² away from the boundary', () => {
    const p = program1d(9, [{ kind: 'eq', target: 'fb', time: 0, rhs: { op: 'deriv', a: read('fa'), dim: 0, order: 2, fdOrder: 2, explicitFdOrder: false, shift: 0, style: 'sugar' } }]);
    const x2 = Float64Array.from({ length: 9 }, (_, i) => i * i);
    const fb = runReference(p, new Map([['fa', x2]])).fields.get('fb')![0]!.v;
    expect(Array.from(fb.subarray(1, 8))).toEqual([2, 2, 2, 2, 2, 2, 2]);
    expect(fb[0]).toBe(1); // the halo holds zeros: (0 − 2·0 + 1²)/1² at x = 0
  });

  it('runs equations in program order: [Eq(fa, fb), Eq(fb, 1)] leaves fa with the old fb', () => {
    const p = program1d(5, [
      { kind: 'eq', target: 'fa', time: 0, rhs: read('fb') },
      { kind: 'eq', target: 'fb', time: 0, rhs: { op: 'num', value: 1 } },
    ]);
    const old = Float64Array.from([5, 6, 7, 8, 9]);
    const out = runReference(p, new Map([['fb', old]]));
    expect(Array.from(out.fields.get('fa')![0]!.v)).toEqual([5, 6, 7, 8, 9]);
    expect(Array.from(out.fields.get('fb')![0]!.v)).toEqual([1, 1, 1, 1, 1]);
  });

  it('tolerates rounding but not a wrong value', () => {
    const ref = { v: Float64Array.from([1, 1000]), e: Float64Array.from([1e-16, 1e-13]) };
    expect(compareArray('f', [1 + 2e-16, 1000 - 3e-13], ref)).toEqual([]);
    expect(compareArray('f', [1 + 1e-12, 1000], ref)).toHaveLength(1);
    expect(compareArray('f', [NaN, 1000], ref)).toHaveLength(1);
  });
});

describe('fuzz (short seeded run)', () => {
  const options = { maxPoints: 500, threads: [1, 2] };
  const SEEDS = Array.from({ length: 12 }, (_, i) => 1000 + i);

  it('finds no mismatch, gcc error or internal error on 12 random programs', () => {
    const outcomes = SEEDS.map((seed) => runSeed(seed, options));
    expect(outcomes.filter((o) => o.kind !== 'ok' && o.kind !== 'skipped')).toEqual([]);
    // Not vacuous: nearly all programs really ran and were compared.
    expect(outcomes.filter((o) => o.kind === 'ok').length).toBeGreaterThanOrEqual(10);
  });

  it('detects a deliberately corrupted result', () => {
    const program = generateProgram(SEEDS[0]!, options);
    const outcome = runProgram(program, (fields) => {
      const [first] = fields.values();
      first![first!.length >> 1]! *= 1 + 1e-3;
      first![first!.length >> 1]! += 1e-3;
    });
    expect(outcome.kind).toBe('wrong');
  });
});
