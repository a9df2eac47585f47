import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kernel } from '../ir/types.ts';
import { writeFileAtomic } from '../support/atomic-write.ts';

export type BlockSizes = Readonly<Record<string, number>>;

const FILE = 'autotune.json';

type TileParameter = Extract<Kernel['parameters'][number], { kind: 'blockSize' }>;

function tileParameters(kernel: Kernel, role: TileParameter['role']): TileParameter[] {
  return kernel.parameters.filter((p): p is TileParameter => p.kind === 'blockSize' && p.role === role);
}

/** The shapes in order, each once (clamping to the grid makes some equal). */
function distinct(shapes: readonly BlockSizes[]): BlockSizes[] {
  const seen = new Set<string>();
  return shapes.filter((shape) => {
    const key = JSON.stringify(shape);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Untiled shapes worth trying: cache blocks in powers of two up to the grid, deduplicated, with
 * time tiles of one step (the untiled order) when the kernel has them.
 */
export function candidateBlockShapes(kernel: Kernel): BlockSizes[] {
  const params = tileParameters(kernel, 'block');
  const untiled: Record<string, number> = {};
  for (const p of tileParameters(kernel, 'timeTile')) untiled[p.name] = 1;
  for (const p of tileParameters(kernel, 'wave')) untiled[p.name] = p.defaultSize;
  if (params.length === 0) return Object.keys(untiled).length === 0 ? [] : [untiled];
  // Thin x-blocks over long y-runs (4×64, 8×256) were the best shapes at 256³ spaceOrder 8 on two
  // cores, by about 5%. The last shape is one block per plane: the untiled loop order, so
  // tuning never loses to it.
  const shapes: [number, number][] = [[8, 8], [8, 16], [16, 16], [16, 32], [32, 32], [4, 64], [8, 64], [32, 64], [64, 64], [8, 256], [Infinity, Infinity]];
  return distinct(shapes.map((shape) => {
    const sizes: Record<string, number> = { ...untiled };
    params.forEach((p, i) => {
      sizes[p.name] = Math.min(shape[i] ?? shape[0], kernel.grid.shape[p.dim.axis]!);
    });
    return sizes;
  }));
}

/**
 * Time tiles worth trying (none when the kernel is not time-tiled): 2, 4 or 6 steps per tile in
 * waves of 2 or 4 planes, each wave one x-block, with y-blocks of 8 or 16 rows. Deeper tiles or
 * wider waves outgrow the last-level cache at 256³ (measured: 8 steps, or waves of 8 planes, lost
 * 20–30% against 4–6 steps in waves of 2–4).
 */
export function candidateTimeTiles(kernel: Kernel): BlockSizes[] {
  const [time] = tileParameters(kernel, 'timeTile');
  const [wave] = tileParameters(kernel, 'wave');
  if (!time || !wave) return [];
  const blocks = tileParameters(kernel, 'block');
  const extent = kernel.grid.shape[wave.dim.axis]!;
  return distinct([2, 4, 6].flatMap((steps) => [2, 4].flatMap((planes) => [8, 16].map((rows) => {
    const sizes: Record<string, number> = { [time.name]: steps, [wave.name]: Math.min(planes, extent) };
    for (const block of blocks) sizes[block.name] = block.dim === wave.dim ? Math.min(planes, extent) : Math.min(rows, kernel.grid.shape[block.dim.axis]!);
    return sizes;
  }))));
}

/**
 * Times every candidate `rounds` times, round-robin, and returns the one with the least time
 * (first wins ties). Round-robin rather than all trials of one shape back to back: memory
 * bandwidth on a shared machine drifts over seconds, and that drift would otherwise favour
 * whichever shapes happened to run in a quiet moment.
 */
export function fastest(candidates: readonly BlockSizes[], trial: (sizes: BlockSizes) => number, rounds = 1): BlockSizes {
  if (candidates.length === 1) return candidates[0]!; // nothing to choose between
  const best = candidates.map(() => Infinity);
  for (let round = 0; round < rounds; round++) {
    candidates.forEach((sizes, i) => {
      best[i] = Math.min(best[i]!, trial(sizes));
    });
  }
  let winner = 0;
  best.forEach((seconds, i) => {
    if (seconds < best[winner]!) winner = i;
  });
  return candidates[winner]!;
}

function readAll(cacheDir: string): Record<string, BlockSizes> {
  const path = join(cacheDir, FILE);
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, BlockSizes>;
  } catch {
    return {}; // a damaged tuning file only costs a re-tune
  }
}

/** Key of the tuning cache: tuned sizes hold for one library (`hash`), grid shape and thread count. */
export function tuningKey(hash: string, shape: readonly number[], nthreads: number): string {
  return `${hash}|${shape.join('x')}|${nthreads}`;
}

/** Block sizes tuned earlier for `key` (see `tuningKey`), if any. */
export function loadTuned(cacheDir: string, key: string): BlockSizes | undefined {
  return readAll(cacheDir)[key];
}

/** Records tuned sizes; written through a temporary file and renamed, like compiled kernels. */
export function storeTuned(cacheDir: string, key: string, sizes: BlockSizes): void {
  mkdirSync(cacheDir, { recursive: true });
  const all = { ...readAll(cacheDir), [key]: sizes };
  writeFileAtomic(join(cacheDir, FILE), JSON.stringify(all, null, 1));
}
