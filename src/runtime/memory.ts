import koffi from 'koffi';
import { allocate, bytesPerElement, type Dtype, type FloatArray } from '../dsl/dtype.ts';
import { setFieldAllocator, VECTOR_BYTES, type FieldAllocator } from '../dsl/memory.ts';

/** Linux's madvise(2) advice asking for transparent huge pages on a range. */
const MADV_HUGEPAGE = 14;
const HUGE_PAGE_BYTES = 2 * 2 ** 20;
/**
 * Allocations from this size up ask for huge pages. A stencil sweep touches dozens of rows in
 * different 4 KiB pages at once, so with small pages the TLB misses and the prefetchers stop at
 * every page boundary: +15% at spaceOrder 8, 256³, 2 threads (bench/acoustic.ts measures it).
 */
const HUGE_PAGE_MIN_BYTES = 4 * 2 ** 20;

type Madvise = (address: bigint, length: number, advice: number) => number;
let madvise: Madvise | null | undefined;

function madviseFunction(): Madvise | null {
  if (madvise !== undefined) return madvise;
  madvise = null;
  if (process.platform !== 'linux' || process.env.DEVITO_TS_HUGE_PAGES === '0') return madvise;
  try {
    madvise = koffi.load('libc.so.6').func('int madvise(uintptr_t addr, size_t length, int advice)') as Madvise;
  } catch {
    // Not glibc (e.g. musl under another name): small pages, same results.
  }
  return madvise;
}

/**
 * Asks the kernel to back the whole 2 MiB pages inside `buffer` with huge pages.
 * It must happen before the first write: V8 hands out fresh zero pages for large buffers, so the
 * first touch then faults in 2 MiB at a time. Advice only: when the kernel says no (THP off,
 * no free huge pages), the memory is the same, just in 4 KiB pages.
 */
function adviseHugePages(buffer: ArrayBuffer): void {
  const bytes = buffer.byteLength;
  if (bytes < HUGE_PAGE_MIN_BYTES) return;
  const advise = madviseFunction();
  if (!advise) return;
  const address = koffi.address(buffer) as bigint;
  const huge = BigInt(HUGE_PAGE_BYTES);
  const start = ((address + huge - 1n) / huge) * huge;
  const end = ((address + BigInt(bytes)) / huge) * huge;
  if (end > start) advise(start, Number(end - start), MADV_HUGEPAGE);
}

/**
 * A zeroed buffer of `bytes` in huge pages where the OS allows: checkpoint slabs, whose first
 * touch faults in 2 MiB at a time (1 GiB of fresh memory on this project's 2-core VM: 2.5 s in
 * 4 KiB pages, 0.9–1.7 s in huge pages) and whose copies miss the TLB less.
 */
export function hugePageBuffer(bytes: number): ArrayBuffer {
  const buffer = new ArrayBuffer(bytes);
  adviseHugePages(buffer);
  return buffer;
}

/** Field memory with element `alignedIndex` on a 64-byte boundary, in huge pages where the OS allows. */
export const alignedFieldAllocator: FieldAllocator = {
  allocate(dtype: Dtype, length: number, alignedIndex: number): FloatArray {
    const size = bytesPerElement(dtype);
    const buffer = hugePageBuffer(length * size + VECTOR_BYTES);
    const address = koffi.address(buffer) as bigint;
    const misalignment = Number((address + BigInt(alignedIndex * size)) % BigInt(VECTOR_BYTES));
    const byteOffset = (VECTOR_BYTES - misalignment) % VECTOR_BYTES;
    // malloc alignment is at least 16 bytes, so the offset is a whole number of elements; if a
    // platform ever says otherwise, fall back to the unaligned layout rather than fail.
    if (byteOffset % size !== 0) return allocate(dtype, length);
    return dtype === 'float32' ? new Float32Array(buffer, byteOffset, length) : new Float64Array(buffer, byteOffset, length);
  },
};

/** Fields created from now on get aligned rows and huge pages (called once when the runtime loads). */
export function installFieldAllocator(): void {
  setFieldAllocator(alignedFieldAllocator);
}

/** The address of an array's first element (for checks: alignment, zero-copy). */
export function addressOf(array: FloatArray): bigint {
  return koffi.address(array) as bigint;
}
