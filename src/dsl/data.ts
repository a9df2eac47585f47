import { ShapeError } from '../errors.ts';
import { GlobalData, type DataDistribution } from './distributed-data.ts';
import { allocate, bytesPerElement, type Dtype, type FloatArray } from './dtype.ts';
import { fieldAllocator } from './memory.ts';

/**
 * Memory layout of a field: row-major, leading axes first; halo (and padding of the innermost
 * axis) live inside the allocation so stencils read neighbours without bounds checks.
 */
export interface FieldLayout {
  /** Leading non-space axes (time slots), each stored without halo. */
  readonly leading: readonly number[];
  /** Domain points per space axis. */
  readonly domain: readonly number[];
  /** Halo points on each side of each space axis. */
  readonly halo: readonly number[];
  /** Extra points at the end of the innermost axis (alignment); 0 when unpadded. */
  readonly padding: number;
}

/** Allocated extent of every axis (leading axes, then space axes with halo and padding). */
export function allocatedShape(layout: FieldLayout): number[] {
  const space = layout.domain.map((n, axis) => n + 2 * layout.halo[axis]!);
  space[space.length - 1]! += layout.padding;
  return [...layout.leading, ...space];
}

function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis]!;
  }
  return strides;
}

/**
 * A view on a field's data that hides halo and padding: `shape`, `get`, `set`, `fill`, `toArray`,
 * `assign`. The underlying allocation (`raw`) is what generated kernels receive, without copies.
 */
export class FieldData {
  readonly dtype: Dtype;
  /** Visible shape: leading axes (time slots) then domain axes. */
  readonly shape: readonly number[];
  /** Allocated shape, halo and padding included. */
  readonly allocatedShape: readonly number[];
  readonly layout: FieldLayout;
  /** The whole allocation, halo included; the kernel's pointer. */
  readonly raw: FloatArray;
  /**
   * The field with global indices: under MPI `shape` is the local box and `global` the whole
   * field (`global.get`, `global.set`, `global.assign`, `global.toArray`); on one process both
   * are the same data.
   */
  readonly global: GlobalData;
  private readonly strides: number[];
  private readonly offsets: number[];
  private readonly owner: string;

  constructor(owner: string, dtype: Dtype, layout: FieldLayout, distribution?: DataDistribution) {
    this.owner = owner;
    this.dtype = dtype;
    this.layout = layout;
    this.shape = Object.freeze([...layout.leading, ...layout.domain]);
    this.allocatedShape = Object.freeze(allocatedShape(layout));
    this.strides = rowMajorStrides(this.allocatedShape);
    this.offsets = [...layout.leading.map(() => 0), ...layout.halo];
    const length = this.allocatedShape.reduce((a, b) => a * b, 1);
    try {
      // Row 0's first interior point is aligned; padded rows keep every other row aligned too.
      this.raw = fieldAllocator().allocate(dtype, length, this.offsets[this.offsets.length - 1]!);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      const gib = (length * bytesPerElement(dtype)) / 2 ** 30;
      throw new ShapeError(
        `${owner}: shape [${this.allocatedShape.join(', ')}] needs ${length} elements (${gib.toFixed(1)} GiB), more than one typed array can hold; ` +
          'keep fewer time indices (a smaller save, or checkpointing: gradient(residual, { checkpointing: { memoryBudgetBytes } })) or use a smaller grid',
      );
    }
    this.global = new GlobalData(owner, { dtype, shape: this.shape, leadingAxes: layout.leading.length, toArray: () => this.toArray(), assign: (v) => this.assign(v), get: (...i) => this.get(...i), set: (...iv) => this.set(...iv) }, distribution);
  }

  /** [first, last + 1) of the global indices this process holds along each axis (the whole axis on one process). */
  get localRange(): readonly (readonly [number, number])[] {
    return this.global.localRange;
  }

  /** The whole field, dense, on rank `root` (undefined on the others); collective under MPI. */
  gather(root = 0): FloatArray | undefined {
    return this.global.gather(root);
  }

  /** Rank `root`'s dense array of the whole field split over the ranks; collective under MPI. */
  scatter(values: ArrayLike<number> | undefined, root = 0): void {
    this.global.scatter(values, root);
  }

  /** Number of visible elements (product of `shape`). */
  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  /** Position in `raw` of a visible multi-index (checked). */
  indexOf(index: readonly number[]): number {
    if (index.length !== this.shape.length) {
      throw new ShapeError(`${this.owner}.data: expected ${this.shape.length} indices (shape [${this.shape.join(', ')}]), got ${index.length}`);
    }
    let flat = 0;
    for (let axis = 0; axis < index.length; axis++) {
      const i = index[axis]!;
      if (!Number.isInteger(i) || i < 0 || i >= this.shape[axis]!) {
        throw new ShapeError(`${this.owner}.data: index ${i} out of range [0, ${this.shape[axis]! - 1}] on axis ${axis}`);
      }
      flat += (i + this.offsets[axis]!) * this.strides[axis]!;
    }
    return flat;
  }

  get(...index: number[]): number {
    return this.raw[this.indexOf(index)]!;
  }

  /** `set(i, j, …, value)`: writes one element. */
  set(...indexAndValue: number[]): void {
    const value = indexAndValue.pop()!;
    this.raw[this.indexOf(indexAndValue)] = value;
  }

  /** Visits each contiguous innermost row of the visible region: (rawStart, denseStart, length). */
  private forEachRow(visit: (rawStart: number, denseStart: number, length: number) => void): void {
    const rank = this.shape.length;
    const rowLength = this.shape[rank - 1]!;
    const outer = this.shape.slice(0, rank - 1);
    const rows = outer.reduce((a, b) => a * b, 1);
    const counter = new Array<number>(outer.length).fill(0);
    for (let row = 0; row < rows; row++) {
      let rawStart = this.offsets[rank - 1]! * this.strides[rank - 1]!;
      for (let axis = 0; axis < outer.length; axis++) {
        rawStart += (counter[axis]! + this.offsets[axis]!) * this.strides[axis]!;
      }
      visit(rawStart, row * rowLength, rowLength);
      for (let axis = outer.length - 1; axis >= 0; axis--) {
        if (++counter[axis]! < outer[axis]!) break;
        counter[axis] = 0;
      }
    }
  }

  /** Sets every visible element (not the halo) to `value`. */
  fill(value: number): void {
    this.forEachRow((rawStart, _dense, length) => this.raw.fill(value, rawStart, rawStart + length));
  }

  /** Dense row-major copy of the visible elements. */
  toArray(): FloatArray {
    const out = allocate(this.dtype, this.size);
    this.forEachRow((rawStart, denseStart, length) => out.set(this.raw.subarray(rawStart, rawStart + length), denseStart));
    return out;
  }

  /** Copies a dense row-major array (same dtype, or plain numbers) into the visible elements. */
  assign(values: ArrayLike<number>): void {
    const expected = this.dtype === 'float32' ? Float32Array : Float64Array;
    if (ArrayBuffer.isView(values) && !(values instanceof expected)) {
      throw new ShapeError(
        `${this.owner}.data.assign: got a ${values.constructor.name} but ${this.owner} is ${this.dtype}; pass a ${expected.name} (or plain numbers)`,
      );
    }
    if (values.length !== this.size) {
      throw new ShapeError(
        `${this.owner}.data.assign: got ${values.length} values but the data has shape [${this.shape.join(', ')}] = ${this.size} values`,
      );
    }
    const dense = ArrayBuffer.isView(values) ? (values as FloatArray) : Float64Array.from(values);
    this.forEachRow((rawStart, denseStart, length) => this.raw.set(dense.subarray(denseStart, denseStart + length), rawStart));
  }
}
