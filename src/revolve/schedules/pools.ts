import { DevitoError } from '../../errors.ts';
import type { StorageLevel } from './types.ts';

/**
 * Slot numbers of two levels: memory slots are `0 … memory−1`, disk slots follow. `take` hands
 * out the lowest free number of a level, so a schedule that uses slots as a stack numbers them
 * as the binomial schedule does.
 */
export class SlotPools {
  readonly levels: StorageLevel[] = [];
  private readonly free: Record<StorageLevel, number[]>;

  constructor(memory: number, disk: number) {
    const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + count - 1 - i);
    this.free = { memory: range(0, memory), disk: range(memory, disk) };
    for (let slot = 0; slot < memory + disk; slot++) this.levels.push(slot < memory ? 'memory' : 'disk');
  }

  /** The lowest free slot of `level`. */
  take(level: StorageLevel): number {
    const stack = this.free[level];
    if (stack.length === 0) throw new DevitoError(`schedule bug: no free ${level} slot`);
    // Kept in descending order, so the lowest number is at the end.
    return stack.pop()!;
  }

  give(slot: number): void {
    const stack = this.free[this.levels[slot]];
    let at = stack.length;
    while (at > 0 && stack[at - 1] < slot) at -= 1;
    stack.splice(at, 0, slot);
  }

  available(level: StorageLevel): number {
    return this.free[level].length;
  }
}
