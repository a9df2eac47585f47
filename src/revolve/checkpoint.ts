import type { Communicator } from '../dsl/parallel.ts';
import type { FloatArray } from '../dsl/dtype.ts';
import { Function, TimeFunction } from '../dsl/functions.ts';
import { checkOptionKeys, optionKeys } from '../dsl/options.ts';
import { InvalidArgumentError } from '../errors.ts';
import type { Checkpointable } from './contracts.ts';
import { checkpointSegments, type ZfpSegment } from './storage/zfp-layout.ts';

export interface CheckpointOptions {
  /** Time index of state 0 (state k is the fields after the step that wrote time index k + offset). Default 0. */
  readonly timeOffset?: number;
}

const OPTION_KEYS = optionKeys<CheckpointOptions>({ timeOffset: true });

interface Part {
  /** Bytes of one time slot (halo included: slots are contiguous in memory). */
  readonly slotBytes: number;
  readonly bytes: Uint8Array;
  /** Time levels of the state (a TimeFunction's `stateLevels`; 1 for a Function). */
  readonly levels: number;
  /** The field, when it has time slots (its own `slotOf` finds them). */
  readonly timeFunction: TimeFunction | undefined;
}

/**
 * The forward state of fields as a `Checkpointable`. A TimeFunction contributes only the T time
 * levels the next step reads (T = `stateLevels`: its timeOrder, or a deeper buffer's slots but
 * one) — time indices k+offset, …, k+offset−T+1 at state k, found by their ring position — so
 * a timeOrder-2 field costs 2 of its 3 slots and more
 * checkpoints fit in the same memory. A Function contributes all of its data.
 * NOTE: slots are copied whole (halo included); a reverse stepper may scribble on the ring slot
 * outside the state, but must leave halos alone, since forward recomputation only rewrites
 * interiors.
 */
export class Checkpoint implements Checkpointable {
  readonly nbytes: number;
  readonly timeOffset: number;
  private readonly parts: readonly Part[];
  readonly fields: readonly (Function | TimeFunction)[];
  /** The ranks the fields' grid is split over, when it is (see {@link Checkpointable.comm}). */
  readonly comm?: Communicator;

  constructor(fields: readonly (Function | TimeFunction)[], options: CheckpointOptions = {}) {
    if (!Array.isArray(fields) || fields.length === 0) throw new InvalidArgumentError('Checkpoint: give a non-empty array of fields');
    checkOptionKeys('Checkpoint', options, OPTION_KEYS);
    this.timeOffset = options.timeOffset ?? 0;
    if (!Number.isInteger(this.timeOffset)) throw new InvalidArgumentError(`Checkpoint: timeOffset must be an integer, got ${this.timeOffset}`);
    this.fields = [...fields];
    this.parts = fields.map((field) => {
      if (!(field instanceof Function)) throw new InvalidArgumentError(`Checkpoint: ${String(field)} is not a Function or TimeFunction`);
      const raw = field.data.raw;
      const bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
      if (field instanceof TimeFunction) {
        const slotBytes = raw.byteLength / field.timeSlots;
        return { slotBytes, bytes, levels: field.stateLevels, timeFunction: field };
      }
      return { slotBytes: raw.byteLength, bytes, levels: 1, timeFunction: undefined };
    });
    this.nbytes = this.parts.reduce((sum, part) => sum + part.levels * part.slotBytes, 0);
    const comm = fields[0]!.grid.distributor?.comm;
    if (comm) this.comm = comm;
  }

  /** The slot's layout (dtype and shape of each copied time slot), for compressors such as ZFP. */
  get segments(): ZfpSegment[] {
    return checkpointSegments(this.fields);
  }

  private positionOf(part: Part, step: number, level: number): number {
    const field = part.timeFunction;
    if (!field) return 0;
    const time = step + this.timeOffset - level;
    if (field.save !== undefined && time < 0) {
      throw new InvalidArgumentError(`Checkpoint: state ${step} needs time index ${time} of a saved buffer; raise timeOffset`);
    }
    return field.slotOf(time);
  }

  /** Copies state `step` out of the fields into `slot`, each field's time levels oldest first. */
  save(slot: Uint8Array, step: number): void {
    let offset = 0;
    for (const part of this.parts) {
      for (let level = part.levels - 1; level >= 0; level--) {
        const start = this.positionOf(part, step, level) * part.slotBytes;
        slot.set(part.bytes.subarray(start, start + part.slotBytes), offset);
        offset += part.slotBytes;
      }
    }
  }

  /** Copies state `step` from `slot` back into the fields' time slots. */
  load(slot: Uint8Array, step: number): void {
    let offset = 0;
    for (const part of this.parts) {
      for (let level = part.levels - 1; level >= 0; level--) {
        const start = this.positionOf(part, step, level) * part.slotBytes;
        part.bytes.set(slot.subarray(offset, offset + part.slotBytes), start);
        offset += part.slotBytes;
      }
    }
  }

  /**
   * State `step` held in `slot` → for each field, an array over the slot's memory laid out as the
   * field's own data, so that a kernel that only reads the state can run on it in place (no
   * restore copy). Undefined when a field's layout does not allow it: a ring's time levels must
   * be in ring order without wrapping (two of three states for a timeOrder-2 ring), and the ring
   * around them must lie inside the slot's buffer (the bytes before and after belong to other
   * slots; the kernel never touches them).
   */
  viewsOf(slot: Uint8Array, step: number): Map<Function | TimeFunction, FloatArray> | undefined {
    if (!this.ringOrderAt(step)) return undefined;
    const views = new Map<Function | TimeFunction, FloatArray>();
    let offset = 0;
    for (const [i, part] of this.parts.entries()) {
      const field = this.fields[i]!;
      const raw = field.data.raw;
      const oldest = this.positionOf(part, step, part.levels - 1);
      const start = slot.byteOffset + offset - oldest * part.slotBytes;
      offset += part.levels * part.slotBytes;
      if (start < 0 || start + raw.byteLength > slot.buffer.byteLength || start % raw.BYTES_PER_ELEMENT !== 0) return undefined;
      views.set(field, raw instanceof Float32Array ? new Float32Array(slot.buffer, start, raw.length) : new Float64Array(slot.buffer, start, raw.length));
    }
    return views;
  }

  /**
   * Whether state `step`'s time levels lie in ring order without wrapping in every field (and no
   * field is a saved history): the layout condition of `viewsOf`, known without a slot. `viewsOf`
   * further needs the ring around the slot inside its buffer, which the first and last slot of a
   * slab may not have.
   */
  ringOrderAt(step: number): boolean {
    return this.parts.every((part) => {
      if (part.timeFunction?.save !== undefined) return false;
      const oldest = this.positionOf(part, step, part.levels - 1);
      for (let level = part.levels - 2; level >= 0; level--) {
        if (this.positionOf(part, step, level) !== oldest + (part.levels - 1 - level)) return false;
      }
      return true;
    });
  }
}
