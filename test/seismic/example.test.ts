import { describe, expect, it } from 'vitest';
import { runLayeredExample } from '../../examples/layered-gradient.ts';

describe('examples/layered-gradient.ts', () => {
  it('runs end to end on a small model and prints finite norms', () => {
    const lines: string[] = [];
    const result = runLayeredExample({ nx: 61, nz: 31, tn: 300, nthreads: 1, log: (line) => lines.push(line) });
    expect(lines.length).toBe(6);
    expect(lines.join('\n')).toMatch(/objective ½‖·‖² = /);
    expect(result.observedNorm).toBeGreaterThan(0);
    expect(result.objective).toBeGreaterThan(0);
    expect(Number.isFinite(result.gradNorm) && result.gradNorm > 0).toBe(true);
  });
});
