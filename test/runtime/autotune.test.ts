import { describe, expect, it } from 'vitest';
import { fastest, type BlockSizes } from '../../src/runtime/autotune.ts';

describe('fastest', () => {
  const shapes: BlockSizes[] = [{ x0_blk0_size: 8 }, { x0_blk0_size: 16 }, { x0_blk0_size: 32 }];

  it('times the shapes in turns and keeps each one’s best time', () => {
    const calls: number[] = [];
    // The machine gets quieter over time (later trials are faster for everyone); shape 16 is
    // really the fastest, but only a turn-taking schedule gives it trials in the quiet period too.
    const cost: Record<number, number> = { 8: 1.0, 16: 0.9, 32: 1.1 };
    let clock = 0;
    const winner = fastest(shapes, (sizes) => {
      const size = sizes.x0_blk0_size!;
      calls.push(size);
      clock++;
      return cost[size]! * (1 - 0.03 * clock);
    }, 3);
    expect(calls).toEqual([8, 16, 32, 8, 16, 32, 8, 16, 32]);
    expect(winner).toEqual({ x0_blk0_size: 16 });
  });

  it('first candidate wins ties; one round by default', () => {
    const calls: BlockSizes[] = [];
    expect(fastest(shapes, (sizes) => (calls.push(sizes), 1))).toBe(shapes[0]);
    expect(calls).toHaveLength(3);
  });
});
