import { checkOptionKeys } from '../dsl/options.ts';
import { InvalidArgumentError } from '../errors.ts';
import type { BoundOperator, Operator } from '../operator.ts';
import type { ApplyArgs } from '../runtime/arguments.ts';
import type { Stepper } from './contracts.ts';

export interface CheckpointOperatorOptions {
  /** Time index of step 0: `apply(a, b)` runs time indices a+offset … b−1+offset. Default 0. */
  readonly timeOffset?: number;
}

/**
 * Adapts an Operator and its fixed arguments to a `Stepper`. Arguments are validated and laid out
 * once; each `apply` only sets the time range and calls the compiled function.
 */
export class CheckpointOperator implements Stepper {
  readonly timeOffset: number;
  private readonly bound: BoundOperator;

  constructor(readonly operator: Operator, args: Omit<ApplyArgs, 'timeMin' | 'timeMax'> = {}, options: CheckpointOperatorOptions = {}) {
    checkOptionKeys('CheckpointOperator', options, ['timeOffset']);
    this.timeOffset = options.timeOffset ?? 0;
    if (!Number.isInteger(this.timeOffset)) throw new InvalidArgumentError(`CheckpointOperator: timeOffset must be an integer, got ${this.timeOffset}`);
    const { timeMin: _min, timeMax: _max, ...fixed } = args as ApplyArgs;
    // A valid placeholder range so `bind` can validate everything else now.
    this.bound = operator.bind({ ...fixed, timeMin: this.timeOffset, timeMax: this.timeOffset });
  }

  /** Runs steps `tStart … tEnd−1` in one kernel call. */
  apply(tStart: number, tEnd: number): void {
    if (tEnd <= tStart) return;
    this.bound.run(tStart + this.timeOffset, tEnd - 1 + this.timeOffset);
  }

  /** Seconds spent per kernel section over all calls. */
  get timers(): Float64Array {
    return this.bound.timers;
  }
}
