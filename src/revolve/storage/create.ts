import { InvalidArgumentError } from '../../errors.ts';
import { CompressedStorage, type CompressionSpec } from './compressed.ts';
import { DiskStorage } from './disk.ts';
import { MemoryStorage } from './memory.ts';
import type { CheckpointStorage } from './storage.ts';
import { TwoLevelStorage } from './two-level.ts';

/**
 * A storage described by plain data, for options objects and configuration files. `compression`
 * is a lossless codec's name or a lossy zfp spec, e.g. `{ codec: 'zfp', tolerance: 1e-5, segments }`.
 */
export type StorageSpec =
  | { readonly kind: 'memory'; readonly compression?: CompressionSpec }
  | { readonly kind: 'disk'; readonly directory?: string; readonly compression?: CompressionSpec }
  | {
      readonly kind: 'two-level';
      /** Slots kept in memory; the rest go to disk. */
      readonly fastSlots: number;
      readonly directory?: string;
      /** Compresses the disk tier only: the memory tier serves the most frequent restores. */
      readonly compression?: CompressionSpec;
    };

/** Whether `value` is a storage object (else it is a spec for `createStorage`). */
export function isStorage(value: CheckpointStorage | StorageSpec): value is CheckpointStorage {
  return typeof (value as Partial<CheckpointStorage>).write === 'function';
}

/** `spec` → a new, unopened storage it describes. */
export function createStorage(spec: StorageSpec): CheckpointStorage {
  const compress = (inner: CheckpointStorage): CheckpointStorage =>
    spec.compression === undefined ? inner : new CompressedStorage(inner, spec.compression);
  switch (spec.kind) {
    case 'memory':
      return compress(new MemoryStorage());
    case 'disk':
      return compress(new DiskStorage({ directory: spec.directory }));
    case 'two-level':
      return new TwoLevelStorage({
        fast: new MemoryStorage(),
        slow: compress(new DiskStorage({ directory: spec.directory })),
        fastSlots: spec.fastSlots,
      });
    default:
      throw new InvalidArgumentError(
        `unknown storage kind '${String((spec as { kind: unknown }).kind)}'; use 'memory', 'disk' or 'two-level'`,
      );
  }
}
