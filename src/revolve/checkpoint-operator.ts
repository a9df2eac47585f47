import { checkOptionKeys, optionKeys } from '../dsl/options.ts';
import { InvalidArgumentError } from '../errors.ts';
import type { BoundOperator, Operator } from '../operator.ts';
import type { ApplyArgs } from '../runtime/arguments.ts';
import type { Checkpoint } from './checkpoint.ts';
import type { InPlaceStepper } from './contracts.ts';

export interface CheckpointOperatorOptions {
  /** Time index of step 0: `apply(a, b)` runs time indices a+offset … b−1+offset. Default 0. */
  readonly timeOffset?: number;
  /**
   * For a reverse operator that reads the forward state of this checkpoint and writes none of its
   * fields: the Revolver may then run a step on a checkpoint in memory in place (`applyFrom`)
   * instead of restoring it first.
   */
  readonly readsInPlace?: Checkpoint;
}

const OPTION_KEYS = optionKeys<CheckpointOperatorOptions>({ timeOffset: true, readsInPlace: true });

/**
 * Adapts an Operator and its fixed arguments to a `Stepper`. Arguments are validated and laid out
 * once; each `apply` only sets the time range and calls the compiled function.
 */
export class CheckpointOperator implements InPlaceStepper {
  readonly timeOffset: number;
  private readonly bound: BoundOperator;
  private readonly checkpoint: Checkpoint | undefined;

  constructor(readonly operator: Operator, args: Omit<ApplyArgs, 'timeMin' | 'timeMax'> = {}, options: CheckpointOperatorOptions = {}) {
    checkOptionKeys('CheckpointOperator', options, OPTION_KEYS);
    this.timeOffset = options.timeOffset ?? 0;
    if (!Number.isInteger(this.timeOffset)) throw new InvalidArgumentError(`CheckpointOperator: timeOffset must be an integer, got ${this.timeOffset}`);
    const { timeMin: _min, timeMax: _max, ...fixed } = args as ApplyArgs;
    // A valid placeholder range so `bind` can validate everything else now.
    this.bound = operator.bind({ ...fixed, timeMin: this.timeOffset, timeMax: this.timeOffset });
    this.checkpoint = options.readsInPlace;
    const written = new Set<object>(operator.kernel.written);
    const clash = this.checkpoint?.fields.find((field) => written.has(field));
    if (clash) throw new InvalidArgumentError(`CheckpointOperator: readsInPlace needs an operator that does not write ${clash.name}, but ${operator.name} does`);
  }

  /** Runs steps `tStart … tEnd−1` in one kernel call. */
  apply(tStart: number, tEnd: number): void {
    if (tEnd <= tStart) return;
    this.bound.run(tStart + this.timeOffset, tEnd - 1 + this.timeOffset);
  }

  /** Runs step `t` on state `state` read in place from `slot`; false when not possible (see `Checkpoint.viewsOf`). */
  applyFrom(slot: Uint8Array, state: number, t: number): boolean {
    const views = this.checkpoint?.viewsOf(slot, state);
    if (views === undefined) return false;
    this.bound.runWith(t + this.timeOffset, t + this.timeOffset, views);
    return true;
  }

  /** Whether `applyFrom` can run on state `state` (before any slot is known; see `Checkpoint.ringOrderAt`). */
  readsInPlaceAt(state: number): boolean {
    return this.checkpoint?.ringOrderAt(state) ?? false;
  }

  /** Seconds spent per kernel section over all calls. */
  get timers(): Float64Array {
    return this.bound.timers;
  }
}
