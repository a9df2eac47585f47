import { describe, expect, it } from 'vitest';
import { Constant, Eq, Function, Grid, Operator, SparseTimeFunction, TimeFunction, solve } from '../../src/index.ts';
import { cParameterNames } from '../../src/codegen/print-kernel.ts';
import { DEFAULT_FLAGS } from '../../src/jit/compiler.ts';
import { bufferOf, fillSeeded } from '../helpers.ts';

/**
 * What these tests check is the C text (renamed names compile and mean the same): gcc at -O0
 * compiles the 40 variants of this 3D kernel in about half of -O3's time (45 s against 91 s for
 * the file, 2 cores, loaded), and every variant and the reference are built alike, so their
 * results still compare bit for bit.
 */
const QUICK_FLAGS = DEFAULT_FLAGS.map((flag) => (flag === '-O3' ? '-O0' : flag));


interface Names {
  readonly u: string;
  readonly m: string;
  /** A second coefficient field, added to m. */
  readonly e: string;
  readonly src: string;
  readonly rec: string;
  /** A Constant scaling the source. */
  readonly c: string;
}
const INNOCUOUS: Names = { u: 'u', m: 'm', e: 'e', src: 'src', rec: 'rec', c: 'c' };

/**
 * 3D acoustic, spaceOrder 8, float32, a source injected and receivers sampled: with the default
 * passes its C holds every kind of generated name (time tiles and waves, cache blocks, the jammed
 * and vector loops with windows and base pointers, CSE temporaries, ring-buffer slots, the sparse
 * loops and wave orders, timers, macros).
 */
function seismic(names: Partial<Names>, opName: string) {
  const n = { ...INNOCUOUS, ...names };
  const shape = [29, 17, 33];
  const grid = new Grid({ shape, extent: shape.map((s) => 10 * (s - 1)), dtype: 'float32' });
  const u = new TimeFunction({ name: n.u, grid, timeOrder: 2, spaceOrder: 8 });
  const m = new Function({ name: n.m, grid, spaceOrder: 8 });
  const e = new Function({ name: n.e, grid, spaceOrder: 8 });
  const c = new Constant({ name: n.c, value: 0.3 });
  const sources = Float64Array.from({ length: 21 }, (_, i) => {
    const [p, axis] = [Math.floor(i / 3), i % 3];
    if (axis === 0) return p % 3 === 0 ? 100.3 : (13 + 37.1 * p) % 280;
    return axis === 1 ? 40.7 + (p % 2) * 0.5 : 150.2 + (p % 2) * 3;
  });
  const receivers = Float64Array.from({ length: 180 }, (_, i) => {
    const [p, axis] = [Math.floor(i / 3), i % 3];
    if (axis === 0) return p === 0 ? 280 : p === 1 ? 0 : (4.83 * p) % 280;
    return axis === 1 ? 80.5 : (17.3 * p) % 320;
  });
  const src = new SparseTimeFunction({ name: n.src, grid, npoint: 7, nt: 16, coordinates: sources });
  const rec = new SparseTimeFunction({ name: n.rec, grid, npoint: 60, nt: 16, coordinates: receivers });
  const op = new Operator([
    new Eq(u.forward, solve(m.add(e).mul(u.dt2).sub(u.laplace), u.forward)),
    src.inject({ field: u.forward, expr: src.mul(c).div(m) }),
    rec.interpolate({ expr: u }),
  ], { name: opName, compiler: { flags: QUICK_FLAGS } });
  const run = (): Buffer[] => {
    fillSeeded(u.data.raw, 1000);
    fillSeeded(rec.data.raw, 1001);
    fillSeeded(m.data.raw, 77, 1);
    fillSeeded(e.data.raw, 78, 0);
    fillSeeded(src.data.raw, 79, 1);
    op.apply({ timeMin: 1, timeMax: 12, dt: 0.5, nthreads: 2 });
    return [bufferOf(u.data.raw.slice()), bufferOf(rec.data.raw.slice())];
  };
  return { op, run };
}

const identifiers = (code: string): Set<string> => new Set(code.replace(/\/\*[\s\S]*?\*\//g, '').match(/[A-Za-z_][A-Za-z0-9_]*/g));

let baseline: { op: Operator; results: Buffer[] } | undefined;
function innocuous(): { op: Operator; results: Buffer[] } {
  if (!baseline) {
    const { op, run } = seismic({}, 'cnames_innocuous');
    baseline = { op, results: run() };
  }
  return baseline;
}

describe('a user name that equals a generated C name: the generated one is renamed', () => {
  // Each name is one the C of the innocuous program generates (checked first); the user's object
  // takes it, the program compiles and gives bitwise the innocuous program's results.
  it.each<[string, keyof Names]>([
    ['v1', 'e'], ['base0', 'e'], ['w0_a', 'e'], ['r0', 'e'], ['r4_1', 'e'], ['weight', 'e'], ['x0_blk0', 'e'],
    ['pos_x', 'e'], ['u_vec', 'e'], ['src_xyz', 'e'], ['t0', 'e'], ['start0', 'e'], ['x', 'e'], ['time', 'e'],
    ['x_wave', 'e'], ['tile_step', 'e'], ['plane', 'e'], ['rec_wave_first', 'e'], ['p_src', 'e'], ['sum', 'e'],
    ['vreal', 'e'], ['VLOAD', 'e'], ['MIN', 'e'], ['nthreads', 'e'], ['timers', 'e'], ['h_x', 'e'], ['z_hi', 'e'],
    ['dt', 'e'], ['x0_blk0_size', 'e'], ['time_tile_size', 'e'], ['k_rec', 'e'],
    ['y', 'u'], ['z', 'rec'], ['x_end', 'src'], ['tm1', 'm'],
    ['x_M', 'c'], ['o_x', 'c'], ['r3', 'c'], ['start1', 'c'], ['m_y_size', 'c'],
  ])('%s (as %s)', (name, role) => {
    const reference = innocuous();
    expect(identifiers(reference.op.ccode).has(name)).toBe(true);
    const { op, run } = seismic({ [role]: name }, `cnames_${name}`);
    expect(identifiers(op.ccode).has(`${name}_1`)).toBe(true);
    const results = run();
    expect(results.length).toBe(reference.results.length);
    results.forEach((result, i) => expect(result.equals(reference.results[i]!)).toBe(true));
  });

  it('renames deterministically, past names the kernel already uses, and keeps parameters named for the runtime', () => {
    // r4_1 is a jammed copy's temporary: r4 taken by the user becomes r4_2.
    const first = seismic({ e: 'r4' }, 'cnames_det').op;
    const second = seismic({ e: 'r4' }, 'cnames_det').op;
    expect(second.ccode).toBe(first.ccode);
    expect(identifiers(first.ccode).has('r4_1')).toBe(true);
    expect(identifiers(first.ccode).has('r4_2')).toBe(true);
    // A field u_vec beside u: u's data parameter is u_vec in the API, u_vec_1 in C.
    const op = seismic({ e: 'u_vec' }, 'cnames_params').op;
    const names = cParameterNames(op.kernel);
    const index = op.kernel.parameters.findIndex((p) => p.kind === 'field' && p.field.name === 'u');
    expect(op.kernel.parameters[index]!.name).toBe('u_vec');
    expect(names[index]).toBe('u_vec_1');
    expect(op.ccode).toContain('float *restrict u_vec_1,');
    expect(op.ccode).toContain('float *restrict u_vec_vec,');
  });

  it('prints programs without a clash exactly as before (no name renamed)', () => {
    const { op } = innocuous();
    expect(cParameterNames(op.kernel)).toEqual(op.kernel.parameters.map((p) => p.name));
  });
});
