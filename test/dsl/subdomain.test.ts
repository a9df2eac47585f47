import { describe, expect, it } from 'vitest';
import {
  ConditionalDimension, DevitoError, Eq, Function, Grid, GridMismatchError, InvalidArgumentError, LoweringError, Operator,
  SubDimension, SubDomain, TimeFunction, and, gt,
} from '../../src/index.ts';
import type { Condition } from '../../src/index.ts';

// Every mistake here is caught while building the Operator (or the objects): no C is printed or run.

describe('SubDomain and SubDimension: bad input', () => {
  const grid = new Grid({ shape: [10, 8], subdomains: [new SubDomain({ name: 'west', extents: { x: ['left', 2] } })] });
  const f = new Function({ name: 'f', grid });

  it('an unknown subdomain name', () => {
    expect(() => new Operator([new Eq(f, 1, { subdomain: 'east' })])).toThrow(InvalidArgumentError);
    expect(() => new Operator([new Eq(f, 1, { subdomain: 'east' })])).toThrow(/unknown subdomain "east".*interior, west/);
  });

  it('a subdomain of another grid (or of none)', () => {
    const other = new Grid({ shape: [10, 8], subdomains: [new SubDomain({ name: 'west', extents: { x: ['left', 2] } })] });
    expect(() => new Operator([new Eq(f, 1, { subdomain: other.interior })])).toThrow(GridMismatchError);
    expect(() => new Operator([new Eq(f, 1, { subdomain: other.subdomains[0]! })])).toThrow(GridMismatchError);
    const loose = new SubDomain({ name: 'loose', extents: { y: ['right', 1] } });
    expect(() => new Operator([new Eq(f, 1, { subdomain: loose })])).toThrow(/not one of the grid's/);
    const foreign = new SubDomain({ name: 'strip', dimensions: [SubDimension.left({ name: 'xl', parent: other.dimensions[0]!, thickness: 2 })] });
    expect(() => new Operator([new Eq(f, 1, { subdomain: foreign })])).toThrow(GridMismatchError);
  });

  it('thickness out of range', () => {
    expect(() => new Grid({ shape: [10, 8], subdomains: [new SubDomain({ name: 'thick', extents: { x: ['left', 11] } })] })).toThrow(/thickness 11 is more than the 10 points/);
    expect(() => new Grid({ shape: [10, 8], subdomains: [new SubDomain({ name: 'mid', extents: { y: ['middle', 4, 4] } })] })).toThrow(InvalidArgumentError);
    expect(() => new SubDomain({ name: 'zero', extents: { x: ['left', 0] } })).toThrow(InvalidArgumentError);
    expect(() => new SubDomain({ name: 'neg', extents: { x: ['middle', -1, 2] } })).toThrow(InvalidArgumentError);
    expect(() => SubDimension.right({ name: 'xr', parent: grid.dimensions[0]!, thickness: 1.5 })).toThrow(InvalidArgumentError);
    const wide = new SubDomain({ name: 'wide', dimensions: [SubDimension.left({ name: 'xl', parent: grid.dimensions[0]!, thickness: 12 })] });
    expect(() => new Operator([new Eq(f, 1, { subdomain: wide })])).toThrow(InvalidArgumentError);
    // The grid has no z.
    expect(() => new Grid({ shape: [10, 8], subdomains: [new SubDomain({ name: 'deep', extents: { z: ['left', 1] } })] })).toThrow(/no dimension z/);
  });

  it('malformed subdomains and grids', () => {
    expect(() => new SubDomain({ name: 'both' })).toThrow(InvalidArgumentError);
    expect(() => new SubDomain({ name: 'bad', extents: { x: ['top', 1] as never } })).toThrow(InvalidArgumentError);
    expect(() => new Grid({ shape: [4, 4], subdomains: [new SubDomain({ name: 'interior', extents: { x: ['left', 1] } })] })).toThrow(/two subdomains are named "interior"/);
    expect(() => new Eq(f, 1, { subdomain: 3 as never })).toThrow(InvalidArgumentError);
  });
});

describe('ConditionalDimension: bad input', () => {
  const grid = new Grid({ shape: [6, 6] });
  const u = new TimeFunction({ name: 'u', grid });

  it('factor <= 0 or not an integer', () => {
    for (const factor of [0, -2, 1.5, Number.NaN]) {
      expect(() => new ConditionalDimension({ name: 'tsub', parent: grid.time, factor })).toThrow(InvalidArgumentError);
    }
    expect(() => new ConditionalDimension({ name: 'tsub', parent: grid.time })).toThrow(/either factor or condition/);
  });

  it('a condition that is not boolean', () => {
    expect(() => new ConditionalDimension({ name: 'c', parent: grid.time, condition: 5 as unknown as Condition })).toThrow(InvalidArgumentError);
    expect(() => new ConditionalDimension({ name: 'c', parent: grid.time, condition: u as unknown as Condition })).toThrow(/boolean expression/);
    expect(() => and(u as unknown as Condition)).toThrow(InvalidArgumentError);
    // A dimension compares with integers, not with field values.
    expect(() => gt(grid.dimensions[0]!, u)).toThrow(InvalidArgumentError);
  });

  it('timeDim needs a factor of this grid\'s time and a save; a snapshot is read at its own index only', () => {
    const tsub = new ConditionalDimension({ name: 'tsub', parent: grid.time, factor: 2 });
    expect(() => new TimeFunction({ name: 'usave', grid, timeDim: tsub })).toThrow(/needs save/);
    const cond = new ConditionalDimension({ name: 'c', parent: grid.time, condition: gt(u, 0) });
    expect(() => new TimeFunction({ name: 'usave', grid, save: 4, timeDim: cond })).toThrow(InvalidArgumentError);
    const usave = new TimeFunction({ name: 'usave', grid, save: 4, timeDim: tsub });
    expect(() => new Operator([new Eq(usave.forward, u)])).toThrow(LoweringError);
    const other = new Grid({ shape: [6, 6] });
    const foreign = new ConditionalDimension({ name: 'tf', parent: other.time, factor: 2 });
    const v = new TimeFunction({ name: 'v', grid, save: 4, timeDim: foreign });
    expect(() => new Operator([new Eq(v, u)])).toThrow(GridMismatchError);
  });

  it('a condition on time in an Operator without a time loop', () => {
    const f = new Function({ name: 'f', grid });
    const every = new ConditionalDimension({ name: 'every', parent: grid.time, factor: 2 });
    expect(() => new Operator([new Eq(f, 1, { implicitDims: [every] })])).toThrow(LoweringError);
    expect(() => new Eq(f, 1, { implicitDims: [grid.time as never] })).toThrow(DevitoError);
  });
});
