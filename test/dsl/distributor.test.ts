import { describe, expect, it } from 'vitest';
import { Function, Grid, TimeFunction } from '../../src/index.ts';
import { balancedTopology, checkTopology, Distributor, neighbourOffsets, splitOf } from '../../src/dsl/distributor.ts';
import { InvalidArgumentError, ShapeError } from '../../src/errors.ts';

describe('Distributor: how a grid is split over ranks', () => {
  it('splits n points into parts whose sizes differ by at most one, the first n mod p one longer', () => {
    expect(splitOf(10, 3)).toEqual([[0, 4], [4, 3], [7, 3]]);
    expect(splitOf(256, 2)).toEqual([[0, 128], [128, 128]]);
    for (const [n, p] of [[7, 7], [1000, 13], [37, 4]] as const) {
      const parts = splitOf(n, p);
      expect(parts.reduce((sum, [, count]) => sum + count, 0)).toBe(n);
      expect(Math.max(...parts.map(([, c]) => c)) - Math.min(...parts.map(([, c]) => c))).toBeLessThanOrEqual(1);
      parts.forEach(([start], i) => i > 0 && expect(start).toBe(parts[i - 1]![0] + parts[i - 1]![1]));
    }
  });

  it('balances ranks over axes as MPI_Dims_create does (non-increasing, as square as the factors allow)', () => {
    expect(balancedTopology(2, 3)).toEqual([2, 1, 1]);
    expect(balancedTopology(4, 2)).toEqual([2, 2]);
    expect(balancedTopology(8, 3)).toEqual([2, 2, 2]);
    expect(balancedTopology(12, 3)).toEqual([3, 2, 2]);
    expect(balancedTopology(64, 3)).toEqual([4, 4, 4]);
    expect(balancedTopology(7, 2)).toEqual([7, 1]);
  });

  it('lists the 3^d − 1 neighbours, first axis slowest, the opposite of direction k at 3^d − 2 − k', () => {
    const offsets = neighbourOffsets(3);
    expect(offsets.length).toBe(26);
    expect(offsets[0]).toEqual([-1, -1, -1]);
    expect(offsets[12]).toEqual([0, 0, -1]);
    expect(offsets[13]).toEqual([0, 0, 1]);
    offsets.forEach((offset, k) => expect(offsets[25 - k]).toEqual(offset.map((o) => (o === 0 ? 0 : -o))));
  });

  it('gives each rank its box, its neighbours (−1 at the grid border) and the owner of any point', () => {
    const comm = { rank: 4, size: 6, handle: 0 };
    const d = new Distributor(comm, [10, 9], [3, 2]);
    expect(d.coords).toEqual([2, 0]);
    expect(d.offsets).toEqual([7, 0]);
    expect(d.localShape).toEqual([3, 5]);
    // Neighbours in order (-1,-1) (-1,0) (-1,1) (0,-1) (0,1) (1,-1) (1,0) (1,1).
    expect(Array.from(d.neighbours)).toEqual([-1, 2, 3, -1, 5, -1, -1, -1]);
    expect(d.coordsOf(3)).toEqual([1, 1]);
    expect(d.ranges(0)).toEqual([[0, 4], [4, 7], [7, 10]]);
    expect(d.hasNeighbour(0, -1)).toBe(true);
    expect(d.hasNeighbour(0, 1)).toBe(false);
    expect(d.ownerOf([0, 0])).toBe(0);
    expect(d.ownerOf([4, 5])).toBe(3);
    expect(d.ownerOf([9, 8])).toBe(5);
  });

  it('refuses topologies that do not match the ranks or the shape', () => {
    expect(() => checkTopology([2, 2], 3, [10, 10])).toThrow(InvalidArgumentError);
    expect(() => checkTopology([2], 2, [10, 10])).toThrow(/2 positive integers/);
    expect(() => checkTopology([12, 1], 12, [10, 10])).toThrow(/at most 10/);
  });
});

describe('field data with global indices on one process', () => {
  it('localRange is the whole field, global is the data itself, gather and scatter copy it', () => {
    const grid = new Grid({ shape: [4, 3] });
    expect(grid.distributor).toBeUndefined();
    expect(grid.localShape).toEqual([4, 3]);
    const u = new TimeFunction({ name: 'u', grid, spaceOrder: 4 });
    expect(u.data.localRange).toEqual([[0, 2], [0, 4], [0, 3]]);
    u.data.global.set(1, 3, 2, 7.5);
    expect(u.data.get(1, 3, 2)).toBe(7.5);
    expect(u.data.global.get(1, 3, 2)).toBe(7.5);
    expect(u.data.global.owns(0, 0, 0)).toBe(true);
    expect(() => u.data.global.get(0, 4, 0)).toThrow(ShapeError);
    const f = new Function({ name: 'f', grid });
    const values = Float32Array.from({ length: 12 }, (_, i) => i * 0.5);
    f.data.scatter(values);
    expect(Array.from(f.data.gather()!)).toEqual(Array.from(values));
    expect(Array.from(f.data.global.toArray())).toEqual(Array.from(values));
    expect(() => f.data.global.assign(new Float32Array(11))).toThrow(/whole field has shape \[4, 3\] = 12 values/);
  });
});
