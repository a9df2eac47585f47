import { ShapeError } from '../errors.ts';
import type { Distributor } from './distributor.ts';
import { allocate, type Dtype, type FloatArray } from './dtype.ts';
import { collectives } from './parallel.ts';

/** What a field's data needs to know of the split: the distributor and the grid axis of each space axis. */
export interface DataDistribution {
  readonly distributor: Distributor;
  /** Grid axis of each space axis of the field (a field may span fewer axes than its grid). */
  readonly gridAxes: readonly number[];
}

/** The local part of a field's data, as the methods of {@link GlobalData} read and write it. */
export interface LocalData {
  readonly dtype: Dtype;
  readonly shape: readonly number[];
  readonly leadingAxes: number;
  toArray(): FloatArray;
  assign(values: ArrayLike<number>): void;
  get(...index: number[]): number;
  set(...indexAndValue: number[]): void;
}

/**
 * A field's data addressed with global indices (`f.data.global`): on one process it is the data
 * itself; under MPI each rank reads and writes only the points it owns, and `toArray`, `assign`
 * from a whole array, `gather` and `scatter` move whole fields between ranks.
 */
export class GlobalData {
  /** Visible shape of the whole field: leading axes, then the grid's points along each space axis. */
  readonly shape: readonly number[];
  /** [first, last + 1) of the global indices this rank holds along each visible axis. */
  readonly localRange: readonly (readonly [number, number])[];
  private readonly local: LocalData;
  private readonly distribution: DataDistribution | undefined;
  private readonly owner: string;

  constructor(owner: string, local: LocalData, distribution: DataDistribution | undefined) {
    this.owner = owner;
    this.local = local;
    this.distribution = distribution;
    const leading = local.shape.slice(0, local.leadingAxes);
    if (distribution === undefined) {
      this.shape = Object.freeze([...local.shape]);
      this.localRange = Object.freeze(local.shape.map((n) => [0, n] as const));
      return;
    }
    const { distributor, gridAxes } = distribution;
    this.shape = Object.freeze([...leading, ...gridAxes.map((axis) => distributor.globalShape[axis]!)]);
    this.localRange = Object.freeze([
      ...leading.map((n) => [0, n] as const),
      ...gridAxes.map((axis) => [distributor.offsets[axis]!, distributor.offsets[axis]! + distributor.localShape[axis]!] as const),
    ]);
  }

  /** Whether this rank holds the point at these global indices. */
  owns(...index: number[]): boolean {
    this.check(index);
    return index.every((i, axis) => i >= this.localRange[axis]![0] && i < this.localRange[axis]![1]);
  }

  /** The value at these global indices; only the rank that holds it can read it (see `owns`). */
  get(...index: number[]): number {
    if (!this.owns(...index)) {
      throw new ShapeError(`${this.owner}.data.global.get(${index.join(', ')}): this rank holds [${this.localRange.map(([a, b]) => `${a}…${b - 1}`).join(', ')}]; read it on the rank that owns it, or gather the field`);
    }
    return this.local.get(...this.toLocal(index));
  }

  /** Writes the value at these global indices on the rank that holds it; other ranks do nothing (so every rank can run the same line). */
  set(...indexAndValue: number[]): void {
    const value = indexAndValue.pop()!;
    if (this.owns(...indexAndValue)) this.local.set(...this.toLocal(indexAndValue), value);
  }

  /** Each rank takes its part of a dense row-major array of the whole field (no communication). */
  assign(values: ArrayLike<number>): void {
    const size = this.shape.reduce((a, b) => a * b, 1);
    if (values.length !== size) {
      throw new ShapeError(`${this.owner}.data.global.assign: got ${values.length} values but the whole field has shape [${this.shape.join(', ')}] = ${size} values`);
    }
    if (this.distribution === undefined) {
      this.local.assign(values);
      return;
    }
    const expected = this.local.dtype === 'float32' ? Float32Array : Float64Array;
    if (ArrayBuffer.isView(values) && !(values instanceof expected)) {
      throw new ShapeError(`${this.owner}.data.global.assign: got a ${values.constructor.name} but ${this.owner} is ${this.local.dtype}; pass a ${expected.name} (or plain numbers)`);
    }
    // Read into this field's own dtype (what assign takes), from a typed array or plain numbers.
    const part = allocate(this.local.dtype, this.local.shape.reduce((a, b) => a * b, 1));
    copyBox(values, this.shape, part, this.local.shape, this.localRange.map(([start]) => start), 'read');
    this.local.assign(part);
  }

  /** The whole field as a dense row-major array, on every rank (collective under MPI). */
  toArray(): FloatArray {
    const mine = this.local.toArray();
    if (this.distribution === undefined) return mine;
    const { comm } = this.distribution.distributor;
    const boxes = Array.from({ length: comm.size }, (_, rank) => this.boxOf(rank));
    const parts = collectives().allgatherv(comm, mine, boxes.map((box) => box.shape.reduce((a, b) => a * b, 1)));
    const whole = allocate(this.local.dtype, this.shape.reduce((a, b) => a * b, 1));
    let at = 0;
    for (const box of boxes) {
      const count = box.shape.reduce((a, b) => a * b, 1);
      // Ranks that differ only along axes the field lacks hold the same values: the first writes.
      if (box.primary) copyBox(whole, this.shape, parts.subarray(at, at + count), box.shape, box.start, 'write');
      at += count;
    }
    return whole;
  }

  /** The whole field on rank `root` (undefined on the others); collective under MPI. */
  gather(root = 0): FloatArray | undefined {
    const whole = this.toArray();
    return this.distribution === undefined || this.distribution.distributor.comm.rank === root ? whole : undefined;
  }

  /** Rank `root`'s dense array of the whole field, split over the ranks (the others pass nothing); collective under MPI. */
  scatter(values: ArrayLike<number> | undefined, root = 0): void {
    if (this.distribution === undefined) {
      if (values === undefined) throw new ShapeError(`${this.owner}.data.scatter: give the values of the whole field`);
      this.local.assign(values);
      return;
    }
    const { comm } = this.distribution.distributor;
    const size = this.shape.reduce((a, b) => a * b, 1);
    const whole = allocate(this.local.dtype, size);
    if (comm.rank === root) {
      if (values === undefined || values.length !== size) {
        throw new ShapeError(`${this.owner}.data.scatter: rank ${root} must give the ${size} values of the whole field [${this.shape.join(', ')}], got ${values?.length ?? 'none'}`);
      }
      whole.set(values);
    }
    collectives().broadcast(comm, whole, root);
    this.assign(whole);
  }

  private boxOf(rank: number): { start: number[]; shape: number[]; primary: boolean } {
    const { distributor, gridAxes } = this.distribution!;
    const leading = this.local.shape.slice(0, this.local.leadingAxes);
    const coords = distributor.coordsOf(rank);
    const ranges = gridAxes.map((axis) => distributor.ranges(axis)[coords[axis]!]!);
    const primary = coords.every((c, axis) => gridAxes.includes(axis) || c === 0);
    return {
      start: [...leading.map(() => 0), ...ranges.map(([start]) => start)],
      shape: [...leading, ...ranges.map(([start, end]) => end - start)],
      primary,
    };
  }

  private toLocal(index: readonly number[]): number[] {
    return index.map((i, axis) => i - this.localRange[axis]![0]);
  }

  private check(index: readonly number[]): void {
    if (index.length !== this.shape.length || index.some((i, axis) => !Number.isInteger(i) || i < 0 || i >= this.shape[axis]!)) {
      throw new ShapeError(`${this.owner}.data.global: indices [${index.join(', ')}] are not inside the field's shape [${this.shape.join(', ')}]`);
    }
  }
}

/**
 * Copies between a dense array of `wholeShape` and a dense box of `boxShape` starting at `start`
 * in it: `read` takes the box out of the whole array, `write` puts it in.
 */
function copyBox(
  whole: ArrayLike<number>, wholeShape: readonly number[], box: ArrayLike<number>, boxShape: readonly number[], start: readonly number[], direction: 'read' | 'write',
): void {
  const rank = wholeShape.length;
  const rowLength = boxShape[rank - 1]!;
  const rows = boxShape.slice(0, rank - 1).reduce((a, b) => a * b, 1);
  if (rowLength === 0 || rows === 0) return;
  const strides = new Array<number>(rank);
  let stride = 1;
  for (let axis = rank - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= wholeShape[axis]!;
  }
  const counter = new Array<number>(rank - 1).fill(0);
  const target = (direction === 'read' ? box : whole) as FloatArray;
  const source = (direction === 'read' ? whole : box) as FloatArray;
  for (let row = 0; row < rows; row++) {
    let wholeAt = start[rank - 1]!;
    for (let axis = 0; axis < rank - 1; axis++) wholeAt += (counter[axis]! + start[axis]!) * strides[axis]!;
    const boxAt = row * rowLength;
    if (direction === 'read') {
      for (let i = 0; i < rowLength; i++) target[boxAt + i] = source[wholeAt + i]!;
    } else if (ArrayBuffer.isView(source) && ArrayBuffer.isView(target)) {
      target.set(source.subarray(boxAt, boxAt + rowLength), wholeAt);
    } else {
      for (let i = 0; i < rowLength; i++) target[wholeAt + i] = source[boxAt + i]!;
    }
    for (let axis = rank - 2; axis >= 0; axis--) {
      if (++counter[axis]! < boxShape[axis]!) break;
      counter[axis] = 0;
    }
  }
}
