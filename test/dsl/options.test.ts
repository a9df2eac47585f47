import { describe, expect, it } from 'vitest';
import {
  Checkpoint, CheckpointOperator, Constant, Eq, Function, Grid, InvalidArgumentError, Operator, SparseTimeFunction, TimeFunction,
} from '../../src/index.ts';
import { MAX_SPACE_ORDER } from '../../src/dsl/functions.ts';
import { checkOptionKeys } from '../../src/dsl/options.ts';

const grid = new Grid({ shape: [5, 5] });
const u = new TimeFunction({ name: 'u', grid });

describe('options objects: an unknown key is an error naming the known ones', () => {
  // Before: new TimeFunction({ …, spaceOrdr: 4 }) ran at the default order 2 with no word.
  it('TimeFunction: the misspelt key, the likely intended one and every known key', () => {
    expect(() => new TimeFunction({ name: 'v', grid, spaceOrdr: 4 } as never)).toThrow(
      'TimeFunction: unknown option "spaceOrdr" (did you mean spaceOrder?); known options: name, grid, spaceOrder, dtype, halo, padding, staggered, dimensions, timeOrder, save, buffer, timeDim',
    );
  });

  const cases: readonly [string, () => unknown, string][] = [
    ['Grid', () => new Grid({ shape: [5], extnt: [1] } as never), 'Grid: unknown option "extnt" (did you mean extent?)'],
    ['Function', () => new Function({ name: 'f', grid, timeOrder: 2 } as never), 'Function: unknown option "timeOrder"; known options: name, grid, spaceOrder, dtype, halo, padding'],
    ['Constant', () => new Constant({ name: 'c', vaule: 1 } as never), 'Constant: unknown option "vaule" (did you mean value?)'],
    ['SparseTimeFunction', () => new SparseTimeFunction({ name: 's', grid, npoint: 1, nt: 2, coords: [[1, 1]] } as never), 'SparseTimeFunction: unknown option "coords"'],
    ['inject', () => new SparseTimeFunction({ name: 's', grid, npoint: 1, nt: 2 }).inject({ field: u.forward, expr: 1, weight: 2 } as never), 's.inject: unknown option "weight"'],
    ['diff', () => u.diff(grid.dimensions[0]!, 1, { order: 4 } as never), 'diff: unknown option "order"; known options: x0, shift, fdOrder'],
    ['Operator', () => new Operator([new Eq(u.forward, u)], { nmae: 'k' } as never), 'Operator: unknown option "nmae" (did you mean name?)'],
    ['Operator passes', () => new Operator([new Eq(u.forward, u)], { passes: { openMP: false } } as never), 'Operator passes: unknown pass "openMP" (did you mean openmp?)'],
    ['Operator compiler', () => new Operator([new Eq(u.forward, u)], { compiler: { cache: '/tmp' } } as never), 'Operator compiler: unknown option "cache"'],
    ['apply', () => new Operator([new Eq(u.forward, u)], { name: 'options_apply' }).apply({ timeMax: 1, nthread: 1 } as never), 'apply (options_apply): unknown argument "nthread" (did you mean nthreads?)'],
    ['Checkpoint', () => new Checkpoint([u], { offset: 1 } as never), 'Checkpoint: unknown option "offset"'],
    ['CheckpointOperator', () => new CheckpointOperator(new Operator([new Eq(u.forward, u)]), {}, { timeoffset: 1 } as never), 'CheckpointOperator: unknown option "timeoffset" (did you mean timeOffset?)'],
  ];
  it.each(cases)('%s', (_, build, message) => {
    expect(build).toThrow(message);
  });

  it('a value that is not an object is a typed error too, not a TypeError', () => {
    expect(() => new Grid(null as never)).toThrow(InvalidArgumentError);
    expect(() => new TimeFunction(undefined as never)).toThrow('TimeFunction: pass an object of options');
    expect(() => checkOptionKeys('X', [1], ['a'])).toThrow('X: pass an object of options (a), got an array');
  });
});

describe('spaceOrder: the rule and its message agree', () => {
  // Before: the message said "2, 4, …, 16" while 40 was accepted.
  it('even orders 2 … 16 are accepted, 18 and 40 refused with the same range the message gives', () => {
    expect(MAX_SPACE_ORDER).toBe(16);
    for (let order = 2; order <= 16; order += 2) expect(new Function({ name: 'f', grid, spaceOrder: order }).spaceOrder).toBe(order);
    for (const order of [18, 40, 3, 0]) {
      expect(() => new TimeFunction({ name: 'v', grid, spaceOrder: order })).toThrow(`v: spaceOrder must be an even integer from 2 to 16 (2, 4, …, 16), got ${order}`);
    }
  });
});
