import { Eq } from './eq.ts';
import type { ExprLike } from './expr.ts';

/**
 * An increment `target += value` (Devito's `Inc`): in an Operator, `value` is added to the
 * target at every point of the loops. A target that spans every loop dimension receives one
 * addition per point; one that lacks some (a `Function` over fewer dimensions) accumulates a
 * reduction over them, whose additions run in the loops' order on one thread per target
 * point, so results do not depend on the thread count.
 */
export class Inc extends Eq {
  constructor(target: ExprLike, value: ExprLike) {
    super(target, value);
  }

  override toString(): string {
    return `Inc(${this.lhs.key}, ${this.rhs.key})`;
  }
}
