import { ScalarExpr, type DimensionRef } from './expr.ts';

/** A loop dimension: a space axis of a grid (`x`, `y`, `z`) or the time axis. */
export class Dimension implements DimensionRef {
  readonly name: 'x' | 'y' | 'z' | 'time';
  readonly isTime: boolean;
  /** Axis index among the grid's space dimensions (-1 for time). */
  readonly axis: number;
  /** Name of the C scalar holding this dimension's spacing (`h_x`, …, or `dt`). */
  readonly spacingName: string;

  constructor(name: 'x' | 'y' | 'z' | 'time', axis: number) {
    this.name = name;
    this.isTime = name === 'time';
    this.axis = axis;
    this.spacingName = this.isTime ? 'dt' : `h_${name}`;
    Object.freeze(this);
  }

  /** The symbolic spacing (`h_x`, or `dt` for time), for use in expressions. */
  get spacing(): ScalarExpr {
    return new ScalarExpr(this.spacingName, this.isTime ? 'dt' : 'spacing');
  }

  toString(): string {
    return this.name;
  }
}

export const SPACE_DIMENSION_NAMES = ['x', 'y', 'z'] as const;
