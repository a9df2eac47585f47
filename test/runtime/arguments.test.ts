import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApplyArgumentError, Constant, Eq, Grid, Operator, TimeFunction } from '../../src/index.ts';
import { MAX_INDEX, MAX_THREADS, threadsWarning, warnThreadsOnce } from '../../src/runtime/arguments.ts';

const grid = new Grid({ shape: [5, 5] });
const u = new TimeFunction({ name: 'u', grid });
const c = new Constant({ name: 'c', value: 1 });
const op = new Operator([new Eq(u.forward, u.add(c))], { name: 'arguments_step' });

afterEach(() => {
  c.value = 1;
  vi.restoreAllMocks();
});

describe('apply: arguments the kernel\'s C types cannot hold are refused before C runs', () => {
  // Before: the C int time bounds wrapped, and the kernel ran no step while the summary said 4.
  it('time indices beyond 2^30 (C int, with room for offsets and tiles)', () => {
    expect(MAX_INDEX).toBe(2 ** 30);
    expect(() => op.apply({ timeMin: 2 ** 31 - 2, timeMax: 2 ** 31 + 1 })).toThrow(ApplyArgumentError);
    expect(() => op.apply({ timeMin: 0, timeMax: 1e12 })).toThrow(/timeMax 1000000000000 is beyond the 1073741824 \(2\^30\) time indices/);
    expect(() => op.bind({}).run(0, 2 ** 31)).toThrow(ApplyArgumentError);
    u.data.fill(0);
    expect(op.apply({ timeMin: MAX_INDEX - 1, timeMax: MAX_INDEX, nthreads: 1 }).timesteps).toBe(2);
    expect(u.data.get(u.slotOf(MAX_INDEX + 1), 2, 2)).toBe(2); // two steps ran: 0 + 1 + 1
  });

  // Before: nthreads 16384 killed the process (SIGSEGV inside libgomp).
  it('nthreads outside 1 … 1024', () => {
    expect(MAX_THREADS).toBe(1024);
    expect(() => op.apply({ timeMax: 0, nthreads: 16384 })).toThrow(/nthreads must be between 1 and 1024, got 16384/);
    expect(() => op.apply({ timeMax: 0, nthreads: 0 })).toThrow(/nthreads must be between 1 and 1024, got 0/);
    expect(() => op.bind({ nthreads: 1025 })).toThrow(ApplyArgumentError);
  });

  // Before: a Constant checked its value only when constructed.
  it('a Constant whose value was set to NaN, Infinity or beyond float32 after construction', () => {
    for (const value of [Number.NaN, Infinity, 1e39]) {
      c.value = value;
      expect(() => op.apply({ timeMax: 0, nthreads: 1 })).toThrow(`Constant c is ${value}, not a finite float32 number`);
    }
    c.value = 1;
    expect(() => op.apply({ timeMax: 0, nthreads: 1, c: 1e39 })).toThrow(ApplyArgumentError);
    u.data.fill(0);
    op.apply({ timeMin: 0, timeMax: 0, nthreads: 1, c: 3 });
    expect(u.data.get(1, 2, 2)).toBe(3);
  });

  // Before: apply(null) threw a TypeError reading null.nthreads.
  it('arguments that are not an object', () => {
    expect(() => op.apply(null as never)).toThrow(/apply: pass an object of arguments.*got null/);
    expect(() => op.apply(5 as never)).toThrow(ApplyArgumentError);
    expect(() => op.bind([] as never)).toThrow(/got an array/);
  });
});

describe('more threads than cores', () => {
  it('apply warns once per process through process.emitWarning; the CLI can print it its own way', () => {
    const cores = availableParallelism();
    expect(threadsWarning(cores)).toBeUndefined();
    expect(threadsWarning(cores + 1)).toBe(`${cores + 1} threads on ${cores} core${cores === 1 ? '' : 's'}: the kernels run several times slower oversubscribed; use at most ${cores} threads`);
    const emitted = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    op.apply({ timeMin: 0, timeMax: 0, nthreads: cores + 1 });
    op.apply({ timeMin: 0, timeMax: 0, nthreads: cores + 1 });
    expect(emitted).toHaveBeenCalledTimes(1);
    expect(emitted).toHaveBeenCalledWith(threadsWarning(cores + 1), 'DevitoThreadsWarning');
    const printed: string[] = [];
    warnThreadsOnce(cores + 1, (line) => printed.push(line));
    expect(printed).toEqual([]); // already said once
  });
});
