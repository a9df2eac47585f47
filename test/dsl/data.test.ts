import { describe, expect, it } from 'vitest';
import { DevitoError, Function, Grid, InvalidArgumentError, ShapeError, TimeFunction } from '../../src/index.ts';
import { addressOf } from '../../src/runtime/memory.ts';

/** Raw (allocation) index of a visible index, computed independently of FieldData. */
function rawIndex(allocated: readonly number[], leading: number, halo: number, index: readonly number[]): number {
  let flat = 0;
  index.forEach((i, axis) => {
    flat = flat * allocated[axis]! + i + (axis < leading ? 0 : halo);
  });
  return flat;
}

function* indices(shape: readonly number[]): Generator<number[]> {
  const total = shape.reduce((a, b) => a * b, 1);
  for (let flat = 0; flat < total; flat++) {
    const index: number[] = [];
    let rest = flat;
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      index.unshift(rest % shape[axis]!);
      rest = Math.floor(rest / shape[axis]!);
    }
    yield index;
  }
}

interface Case {
  readonly label: string;
  readonly make: () => Function;
  readonly shape: readonly number[];
  readonly allocated: readonly number[];
  readonly leading: number;
  readonly halo: number;
  /** Rows are whole 64-byte vectors, so every row's interior starts on a 64-byte boundary. */
  readonly aligned: boolean;
}

const CASES: Case[] = [
  // Padded (the default): each innermost row is a whole number of 64-byte vectors, 16 float32 or 8 float64.
  { label: '1D Function', make: () => new Function({ name: 'f', grid: new Grid({ shape: [7] }), spaceOrder: 4 }), shape: [7], allocated: [16], leading: 0, halo: 2 , aligned: true },
  { label: '2D Function', make: () => new Function({ name: 'f', grid: new Grid({ shape: [5, 4] }) }), shape: [5, 4], allocated: [7, 16], leading: 0, halo: 1 , aligned: true },
  { label: '3D Function (float64)', make: () => new Function({ name: 'f', grid: new Grid({ shape: [3, 4, 5], dtype: 'float64' }), spaceOrder: 4 }), shape: [3, 4, 5], allocated: [7, 8, 16], leading: 0, halo: 2 , aligned: true },
  { label: '1D TimeFunction', make: () => new TimeFunction({ name: 'u', grid: new Grid({ shape: [6] }), timeOrder: 2 }), shape: [3, 6], allocated: [3, 16], leading: 1, halo: 1 , aligned: true },
  { label: '2D TimeFunction (save)', make: () => new TimeFunction({ name: 'u', grid: new Grid({ shape: [4, 3] }), save: 5, spaceOrder: 4 }), shape: [5, 4, 3], allocated: [5, 8, 16], leading: 1, halo: 2 , aligned: true },
  { label: '3D TimeFunction', make: () => new TimeFunction({ name: 'u', grid: new Grid({ shape: [3, 2, 4] }), dtype: 'float64' }), shape: [2, 3, 2, 4], allocated: [2, 5, 4, 8], leading: 1, halo: 1 , aligned: true },
  { label: '2D Function, row already a whole vector', make: () => new Function({ name: 'f', grid: new Grid({ shape: [3, 30] }) }), shape: [3, 30], allocated: [5, 32], leading: 0, halo: 1 , aligned: true },
  // Dense (padding: false): domain + halo, nothing more.
  { label: '2D Function, dense', make: () => new Function({ name: 'f', grid: new Grid({ shape: [5, 4] }), padding: false }), shape: [5, 4], allocated: [7, 6], leading: 0, halo: 1 , aligned: false },
  { label: '3D TimeFunction, dense', make: () => new TimeFunction({ name: 'u', grid: new Grid({ shape: [3, 2, 4] }), dtype: 'float64', padding: false }), shape: [2, 3, 2, 4], allocated: [2, 5, 4, 6], leading: 1, halo: 1 , aligned: false },
];

describe.each(CASES)('FieldData of a $label', ({ make, shape, allocated, leading, halo, aligned }) => {
  const size = shape.reduce((a, b) => a * b, 1);

  it('has the visible shape (time slots first) and the allocation includes the halo', () => {
    const f = make();
    expect(f.data.shape).toEqual(shape);
    expect(f.data.size).toBe(size);
    expect(f.data.allocatedShape).toEqual(allocated);
    expect(f.data.raw.length).toBe(allocated.reduce((a, b) => a * b, 1));
    expect(f.data.raw).toBeInstanceOf(f.dtype === 'float32' ? Float32Array : Float64Array);
    expect(f.data.raw.every((v) => v === 0)).toBe(true);
  });

  it('puts the first interior point of every row on a 64-byte boundary when padded', () => {
    const f = make();
    const size = f.dtype === 'float32' ? 4 : 8;
    const rowLength = allocated[allocated.length - 1]!;
    expect(f.padding).toBe(rowLength - shape[shape.length - 1]! - 2 * halo);
    // Row 0 is aligned by the allocator; the others follow when rows are whole vectors.
    expect((addressOf(f.data.raw) + BigInt(halo * size)) % 64n).toBe(0n);
    expect((rowLength * size) % 64 === 0).toBe(aligned);
    if (aligned) {
      const lastRow = f.data.raw.length - rowLength;
      expect((addressOf(f.data.raw.subarray(lastRow)) + BigInt(halo * size)) % 64n).toBe(0n);
    }
  });

  it('set writes the element get reads, at the right place in raw', () => {
    const f = make();
    let k = 0;
    for (const index of indices(shape)) {
      f.data.set(...index, k + 0.5);
      k++;
    }
    k = 0;
    for (const index of indices(shape)) {
      expect(f.data.get(...index)).toBe(k + 0.5);
      expect(f.data.raw[rawIndex(allocated, leading, halo, index)]).toBe(k + 0.5);
      k++;
    }
    // Exactly the visible elements were written: the halo is still zero.
    expect(f.data.raw.filter((v) => v !== 0).length).toBe(size);
  });

  it('fill sets every visible element and leaves the halo zero', () => {
    const f = make();
    f.data.fill(3.25);
    for (const index of indices(shape)) expect(f.data.get(...index)).toBe(3.25);
    expect(f.data.raw.filter((v) => v === 3.25).length).toBe(size);
    expect(f.data.raw.filter((v) => v === 0).length).toBe(f.data.raw.length - size);
    if (halo > 0) {
      // The first allocated element of each time slot is a halo corner.
      expect(f.data.raw[0]).toBe(0);
      expect(f.data.raw[f.data.raw.length - 1]).toBe(0);
    }
  });

  it('assign copies a dense row-major array in and toArray copies it out', () => {
    const f = make();
    const Dense = f.dtype === 'float32' ? Float32Array : Float64Array;
    const plain = Array.from({ length: size }, (_, i) => ((i * 7) % 11) - 4.5 + i / 1024);
    const values = f.dtype === 'float32' ? Float32Array.from(plain) : Float64Array.from(plain);
    f.data.assign(values);
    let flat = 0;
    for (const index of indices(shape)) {
      expect(f.data.get(...index)).toBe(values[flat]);
      expect(f.data.raw[rawIndex(allocated, leading, halo, index)]).toBe(values[flat]);
      flat++;
    }
    const out = f.data.toArray();
    expect(out).toBeInstanceOf(Dense);
    expect(out).toEqual(values);
    expect(out).not.toBe(values);
    // toArray is a copy: writing it does not touch the field.
    out[0] = 1234;
    expect(f.data.get(...shape.map(() => 0))).toBe(values[0]);
    // The halo stayed zero.
    expect(f.data.raw.filter((v) => v !== 0).length).toBe(values.filter((v) => v !== 0).length);
  });

  it('assign accepts plain numbers (rounded to the field dtype)', () => {
    const f = make();
    const plain = Array.from({ length: size }, (_, i) => 0.1 * (i + 1));
    f.data.assign(plain);
    const round = f.dtype === 'float32' ? Math.fround : (x: number): number => x;
    expect(Array.from(f.data.toArray())).toEqual(plain.map(round));
  });

  it('rejects wrong lengths, dtypes and out-of-range indices with ShapeError', () => {
    const f = make();
    const Dense = f.dtype === 'float32' ? Float32Array : Float64Array;
    const Other = f.dtype === 'float32' ? Float64Array : Float32Array;
    expect(() => f.data.assign(new Dense(size + 1))).toThrow(ShapeError);
    expect(() => f.data.assign(new Dense(size - 1))).toThrow(`got ${size - 1} values but the data has shape [${shape.join(', ')}] = ${size} values`);
    expect(() => f.data.assign(new Other(size))).toThrow(ShapeError);
    expect(() => f.data.assign(new Other(size))).toThrow(`pass a ${Dense.name}`);
    const zeros = shape.map(() => 0);
    const last = shape.map((n) => n - 1);
    expect(f.data.get(...last)).toBe(0);
    for (let axis = 0; axis < shape.length; axis++) {
      const over = [...zeros];
      over[axis] = shape[axis]!;
      expect(() => f.data.get(...over)).toThrow(ShapeError);
      expect(() => f.data.get(...over)).toThrow(`out of range [0, ${shape[axis]! - 1}] on axis ${axis}`);
      const under = [...zeros];
      under[axis] = -1;
      expect(() => f.data.get(...under)).toThrow(ShapeError);
      expect(() => f.data.set(...over, 1)).toThrow(ShapeError);
    }
    expect(() => f.data.get(...zeros.slice(1))).toThrow(ShapeError);
    expect(() => f.data.get(...zeros, 0)).toThrow(ShapeError);
    expect(() => f.data.get(...zeros.map(() => 0.5))).toThrow(ShapeError);
    // Nothing was written by the failed calls.
    expect(f.data.raw.every((v) => v === 0)).toBe(true);
    expect(() => f.data.assign([1])).toThrow(DevitoError);
  });
});

describe('FieldData of a TimeFunction: slots are independent', () => {
  it('filling through set on one slot leaves the others untouched', () => {
    const u = new TimeFunction({ name: 'u', grid: new Grid({ shape: [4, 5] }), timeOrder: 2 });
    const slot = 4 * 5;
    const dense = new Float32Array(3 * slot);
    dense.fill(1, 0, slot);
    dense.fill(2, slot, 2 * slot);
    dense.fill(3, 2 * slot);
    u.data.assign(dense);
    expect(u.data.get(0, 3, 4)).toBe(1);
    expect(u.data.get(1, 0, 0)).toBe(2);
    expect(u.data.get(2, 2, 2)).toBe(3);
    u.data.set(1, 2, 3, -7);
    const out = u.data.toArray();
    expect(out[slot + 2 * 5 + 3]).toBe(-7);
    expect(out.filter((v) => v === -7).length).toBe(1);
    expect(out.subarray(0, slot).every((v) => v === 1)).toBe(true);
    expect(out.subarray(2 * slot).every((v) => v === 3)).toBe(true);
  });
});

describe('allocations too large for one typed array', () => {
  it('a saved history beyond the typed-array limit is a ShapeError that points at checkpointing, not a RangeError', () => {
    const grid = new Grid({ shape: [1200, 1200, 1200] });
    const make = (): TimeFunction => new TimeFunction({ name: 'u', grid, timeOrder: 2, save: 4 });
    expect(make).toThrow(ShapeError);
    expect(make).toThrow(/more than one typed array can hold.*checkpointing/);
  });
});

describe('padding option', () => {
  it('is a boolean; anything else is an InvalidArgumentError', () => {
    const grid = new Grid({ shape: [4, 4] });
    // @ts-expect-error: a number is not a padding choice
    expect(() => new Function({ name: 'f', grid, padding: 16 })).toThrow(InvalidArgumentError);
  });
});
