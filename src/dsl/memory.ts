import { allocate, bytesPerElement, type Dtype, type FloatArray } from './dtype.ts';

/**
 * Width in bytes that rows are padded and aligned to: one AVX-512 vector, one cache line. With
 * every row a whole number of lines long and the first interior point of row 0 on a line
 * boundary, every row's interior starts on a line: the innermost vector loop then never splits a
 * load or a store across two lines (measured at spaceOrder 8, 256³, 2 threads: +17% over the
 * unpadded, unaligned layout; padding alone, without the alignment, is slower).
 */
export const VECTOR_BYTES = 64;

/** Elements to append to a row of `rowLength` elements so it is a whole number of vectors long. */
export function rowPadding(rowLength: number, dtype: Dtype): number {
  const perVector = VECTOR_BYTES / bytesPerElement(dtype);
  return (perVector - (rowLength % perVector)) % perVector;
}

/**
 * Where field memory comes from. Finding an address needs the FFI, which the DSL layer does not
 * have: the runtime installs an allocator that aligns (and asks for huge pages) when it is loaded,
 * and until then fields get plain, zeroed typed arrays. Both give the same numbers; only the
 * speed of the generated kernels differs.
 */
export interface FieldAllocator {
  /** A zeroed array of `length` elements; element `alignedIndex` on a `VECTOR_BYTES` boundary where possible. */
  allocate(dtype: Dtype, length: number, alignedIndex: number): FloatArray;
}

const plainAllocator: FieldAllocator = {
  allocate: (dtype, length) => allocate(dtype, length),
};

let current: FieldAllocator = plainAllocator;

export function setFieldAllocator(allocator: FieldAllocator): void {
  current = allocator;
}

export function fieldAllocator(): FieldAllocator {
  return current;
}
