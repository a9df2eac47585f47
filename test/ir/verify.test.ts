import { describe, expect, it } from 'vitest';
import { Eq, Function, Grid, Inc, Operator, SparseTimeFunction, TimeFunction, solve, type PassOptions } from '../../src/index.ts';
import { AccessExpr, add, rewrite, type Expr } from '../../src/dsl/expr.ts';
import type { Eq as EqType } from '../../src/dsl/eq.ts';
import type { SparseOperation } from '../../src/dsl/sparse.ts';
import { substituteIndex, ivar } from '../../src/ir/index-expr.ts';
import type { Expression, Iteration, Node, VectorLoop } from '../../src/ir/tree.ts';
import type { Kernel } from '../../src/ir/types.ts';
import { InternalCompilerError, verifyKernel } from '../../src/ir/verify.ts';
import { isIteration, mapTree, nodesOf } from '../../src/ir/visit.ts';
import { DEFAULT_PASSES, PIPELINE, runPassList, runPasses, verifyByDefault, type NamedPass } from '../../src/passes/pipeline.ts';
import { GOLDEN } from '../codegen/golden-ops.ts';
import { PASS_NAMES, passOperator } from '../passes/pass-ops.ts';

const NO_PASSES = Object.fromEntries(PASS_NAMES.map((pass) => [pass, false])) as unknown as PassOptions;

/** The loop tree lowering builds for `equations`, before any pass (an Operator with every pass off). */
function built(equations: readonly (EqType | SparseOperation)[]): Kernel {
  return new Operator(equations, { name: 'verified', passes: NO_PASSES }).kernel;
}

/** The built tree and the kernel after each enabled pass, by name. */
function stages(tree: Kernel, options: Partial<PassOptions> = {}): [string, Kernel][] {
  const enabled = { ...DEFAULT_PASSES, ...options };
  const out: [string, Kernel][] = [['build', tree]];
  let current = tree;
  for (const pass of PIPELINE) {
    if (!enabled[pass.option]) continue;
    current = pass.run(current);
    out.push([pass.option, current]);
  }
  return out;
}

function expectClean(tree: Kernel, options: Partial<PassOptions> = {}): void {
  for (const [pass, kernel] of stages(tree, options)) expect({ pass, violations: verifyKernel(kernel) }).toEqual({ pass, violations: [] });
}

function acoustic3D(): readonly EqType[] {
  const grid = new Grid({ shape: [21, 18, 15], extent: [200, 170, 140] });
  const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder: 4 });
  const m = new Function({ name: 'm', grid, spaceOrder: 4 });
  return [new Eq(u.forward, solve(m.mul(u.dt2).sub(u.laplace), u.forward))];
}

/** 3D forward modelling with sources and receivers (time-tiled: sparse loops placed in waves). */
function seismic3D(sampleNext = false): (EqType | SparseOperation)[] {
  const shape = [29, 17, 33];
  const grid = new Grid({ shape, extent: shape.map((n) => 10 * (n - 1)), dtype: 'float32' });
  const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder: 8 });
  const m = new Function({ name: 'm', grid, spaceOrder: 8 });
  const coordinates = (n: number) => Float64Array.from({ length: 3 * n }, (_, i) => [(37.1 * i) % 280, 40.7, (17.3 * i) % 320][i % 3]!);
  const src = new SparseTimeFunction({ name: 'src', grid, npoint: 7, nt: 16, coordinates: coordinates(7) });
  const rec = new SparseTimeFunction({ name: 'rec', grid, npoint: 20, nt: 16, coordinates: coordinates(20) });
  return [
    new Eq(u.forward, solve(m.mul(u.dt2).sub(u.laplace), u.forward)),
    src.inject({ field: u.forward, expr: src.mul(0.3).div(m) }),
    rec.interpolate({ expr: sampleNext ? u.forward : u }),
  ];
}

/** The adjoint's pattern, backwards: an injection leading the wave, then a receiver. */
function adjoint3D(): (EqType | SparseOperation)[] {
  const shape = [27, 15, 31];
  const grid = new Grid({ shape, extent: shape.map((n) => 10 * (n - 1)), dtype: 'float64' });
  const v = new TimeFunction({ name: 'v', grid, timeOrder: 2, spaceOrder: 6 });
  const m = new Function({ name: 'm', grid, spaceOrder: 6 });
  const coordinates = Float64Array.from({ length: 60 }, (_, i) => [(6.71 * i) % 260, 70.5, (23.3 * i) % 300][i % 3]!);
  const rec = new SparseTimeFunction({ name: 'rec', grid, npoint: 20, nt: 16, coordinates });
  const srca = new SparseTimeFunction({ name: 'srca', grid, npoint: 20, nt: 16, coordinates });
  return [
    rec.inject({ field: v, expr: rec.mul(0.3).div(m) }),
    new Eq(v.backward, solve(m.mul(v.dt2).sub(v.laplace), v.backward)),
    srca.interpolate({ expr: v.forward }),
  ];
}

function diffusion1D(): readonly EqType[] {
  const grid = new Grid({ shape: [31], extent: [1] });
  const u = new TimeFunction({ name: 'u', grid, timeOrder: 1, spaceOrder: 4 });
  return [new Eq(u.forward, solve(u.dt.sub(u.dx2.mul(0.1)), u.forward))];
}

/** 2D: two fields in two nests (the second reads the first's new values across x), saved history, a gradient. */
function coupled2D(): readonly EqType[] {
  const grid = new Grid({ shape: [23, 19], extent: [220, 180], dtype: 'float64' });
  const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder: 6, save: 12 });
  const v = new TimeFunction({ name: 'v', grid, timeOrder: 1, spaceOrder: 2 });
  const g = new Function({ name: 'g', grid, spaceOrder: 2 });
  return [
    new Eq(u.forward, solve(u.dt2.sub(u.laplace), u.forward)),
    new Eq(v.forward, v.add(u.forward.laplace.mul(0.01))),
    new Eq(g, g.add(u.forward.mul(v.forward))),
  ];
}

const kernelWith = (kernel: Kernel, fn: (node: Node) => Node): Kernel => ({ ...kernel, body: mapTree(kernel.body, fn) });

/** Rewrites every expression statement of the kernel's loops. */
const statementsWith = (kernel: Kernel, fn: (s: Expression) => Expression): Kernel =>
  kernelWith(kernel, (node) => (node.kind === 'expression' ? fn(node) : node.kind === 'vector' ? { ...node, body: node.body.map(fn) } : node));

const finalKernel = (equations: readonly (EqType | SparseOperation)[], options: Partial<PassOptions> = {}): Kernel =>
  runPasses(built(equations), { ...DEFAULT_PASSES, ...options }, false);

describe('verifyKernel: every kernel the compiler builds is valid after every pass', () => {
  it('the test suite verifies every kernel it builds', () => {
    expect(verifyByDefault()).toBe(true);
  });

  it('golden kernels (2D acoustic, 1D diffusion)', () => {
    for (const build of Object.values(GOLDEN)) expect(verifyKernel(build().kernel)).toEqual([]);
  });

  it('the 3D pass kernel with everything on and with each pass off, after every pass', () => {
    expectClean(built(acoustic3D()));
    for (const pass of PASS_NAMES) {
      expectClean(built(acoustic3D()), { [pass]: false });
      expect(verifyKernel(passOperator(pass).op.kernel)).toEqual([]);
    }
    expect(verifyKernel(passOperator(undefined, 'float64', false).op.kernel)).toEqual([]);
  });

  it('time-tiled 3D kernels with sources and receivers, forward and adjoint', () => {
    for (const equations of [seismic3D(false), seismic3D(true), adjoint3D()]) {
      expectClean(built(equations));
      expectClean(built(equations), { timeTiling: false });
      expectClean(built(equations), { openmp: false, vectorWindows: false });
    }
    // The tiled tree really has waves, wave orders and placed sparse loops.
    const tiled = finalKernel(seismic3D());
    expect(nodesOf(tiled.body, (n): n is Node => n.kind === 'waveOrder')).toHaveLength(1);
    expect(nodesOf(tiled.body, isIteration).some((loop) => loop.role === 'wave')).toBe(true);
  });

  it('1D and 2D kernels (saved history, several nests, a gradient)', () => {
    expectClean(built(diffusion1D()));
    expectClean(built(diffusion1D()), { openmp: false });
    expectClean(built(coupled2D()));
    expectClean(built(coupled2D()), { cse: false, hoist: false });
    // No time loop: sections at the top of the body.
    const grid = new Grid({ shape: [9, 7, 5], extent: [80, 60, 40] });
    const f = new Function({ name: 'f', grid, spaceOrder: 2 });
    const g = new Function({ name: 'g', grid, spaceOrder: 2 });
    expectClean(built([new Eq(f, g.laplace.mul(2))]));
  });
});

describe('verifyKernel: broken trees are caught, one rule at a time', () => {
  /** The fully optimised 3D kernel without vector loops (plain jammed statements to break). */
  const scalar3D = () => finalKernel(acoustic3D(), { vectorWindows: false });

  it('bound: a loop bound reading a variable nothing binds', () => {
    const kernel = kernelWith(finalKernel(acoustic3D()), (node) =>
      node.kind === 'iteration' && node.index === 'y' ? { ...node, upper: substituteIndex(node.upper, new Map([['y_M', ivar('y_Q')]])) } : node,
    );
    const violations = verifyKernel(kernel);
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.every((v) => v.startsWith('[bound] loop y upper bound reads y_Q'))).toBe(true);
    // Reported where the loop is: inside the jammed x loop of the time tile's step.
    expect(violations[0]).toMatch(/\(at parallel region > for time_tile > .* > for x\)$/);
  });

  it('bound: a continuing loop whose mutable index is not defined before it', () => {
    const kernel = kernelWith(scalar3D(), (node) =>
      node.kind === 'iteration' && node.role === 'block' ? { ...node, body: node.body.filter((n) => !(n.kind === 'index' && n.mutable)) } : node,
    );
    expect(verifyKernel(kernel)).toContainEqual(expect.stringMatching(/^\[bound\] loop x continues from x, which no earlier mutable definition/));
  });

  it('bound: an access indexed by a dimension no loop binds, and a ring slot out of scope', () => {
    const [time] = nodesOf(finalKernel(diffusion1D(), { openmp: false }).body, isIteration);
    const section = time!.body.find((n) => n.kind === 'section')!;
    // The section hoisted out of the time loop: no x loop around a stray statement, no time, no slots.
    const stray = nodesOf(section.kind === 'section' ? section.body : [], (n): n is Expression => n.kind === 'expression')[0]!;
    const kernel: Kernel = { ...finalKernel(diffusion1D(), { openmp: false }), body: [{ kind: 'section', id: 0, title: 'stray', body: [stray] }] };
    const violations = verifyKernel(kernel);
    expect(violations).toContainEqual(expect.stringMatching(/^\[bound\] access u\[t\+1, x\] is indexed by x, which no enclosing loop binds/));
    expect(violations).toContainEqual(expect.stringMatching(/^\[bound\] access u\[t\+1, x\] needs time, which is not bound/));
    expect(violations).toContainEqual(expect.stringMatching(/^\[bound\] access u\[t\+0, x\] needs the ring-buffer slot \(time \+ 0\) mod 2/));
  });

  it('halo: an access moved beyond its field halo', () => {
    const kernel = statementsWith(scalar3D(), (s) => ({
      ...s,
      value: rewrite(s.value, (e: Expr) => (e.kind === 'access' && e.offsets[1] === 2 ? new AccessExpr(e.field, e.timeOffset, [e.offsets[0]!, 3, e.offsets[2]!]) : e)),
    }));
    const violations = verifyKernel(kernel);
    expect(violations.length).toBeGreaterThan(0);
    expect(violations).toContainEqual(expect.stringMatching(/^\[halo\] access u\[t\+0, x, y\+3, z\] reaches 3 points along y, beyond the halo of 2/));
    expect(violations.every((v) => v.startsWith('[halo]'))).toBe(true);
  });

  it('halo: a jam shift outside its jammed loop', () => {
    // The remainder of the jammed x loop walks one point at a time: a copy shifted by 1 there leaves the block.
    const kernel = kernelWith(scalar3D(), (node) => {
      if (node.kind !== 'iteration' || node.index !== 'x' || node.jam !== 1) return node;
      return mapTree([node], (inner) => (inner.kind === 'expression' ? { ...inner, shifts: { x: 1 } } : inner))[0]!;
    });
    const violations = verifyKernel(kernel);
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.every((v) => /^\[halo\] a statement is shifted 1 along x, outside \[0, 0\] of its loop \(jam 1\): a jam shift outside its jammed loop/.test(v))).toBe(true);
    // And a jammed loop that does not stop early enough for its last copy.
    const early = kernelWith(scalar3D(), (node) => (node.kind === 'iteration' && node.jam > 1 ? { ...node, upper: ivar('x_end') } : node));
    expect(verifyKernel(early)).toContainEqual(expect.stringMatching(/^\[halo\] loop x is jammed 2 times but does not stop 1 point\(s\) before its end/));
  });

  it('parallel: an injection marked parallel', () => {
    const kernel = kernelWith(finalKernel(seismic3D()), (node) => (node.kind === 'sparse' && node.mode === 'inject' ? { ...node, parallel: true } : node));
    expect(verifyKernel(kernel)).toEqual([expect.stringMatching(/^\[parallel\] injection of src is parallel, but its points may share grid corners \(at .*inject src\)$/)]);
  });

  it('parallel: a parallel loop whose body reads a slot it writes at offset 1 along it', () => {
    const grid = new Grid({ shape: [11, 13], extent: [100, 120] });
    const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder: 4 });
    const kernel = statementsWith(finalKernel([new Eq(u.forward, solve(u.dt2.sub(u.laplace), u.forward))], { vectorWindows: false }), (s) =>
      s.op === 'assign' ? { ...s, value: add(s.value, new AccessExpr((s.target as AccessExpr).field, 1, [1, 0])) } : s,
    );
    const violations = verifyKernel(kernel);
    expect(violations).toEqual([expect.stringMatching(/^\[parallel\] loop x is parallel along x, but its body writes u@1 and reads it at u\[t\+1, x\+1, y\]: a loop-carried write–read dependence/)]);
    // The same read along the serial inner loop is no dependence of the parallel one.
    const inner = statementsWith(finalKernel([new Eq(u.forward, solve(u.dt2.sub(u.laplace), u.forward))], { vectorWindows: false }), (s) =>
      s.op === 'assign' ? { ...s, value: add(s.value, new AccessExpr((s.target as AccessExpr).field, 1, [0, 1])) } : s,
    );
    expect(verifyKernel(inner)).toEqual([]);
  });

  it('parallel: a reduction (a target lacking a dimension) in a parallel or simd loop along that dimension', () => {
    const grid = new Grid({ shape: [9, 7, 5], extent: [80, 60, 40] });
    const g = new Function({ name: 'g', grid });
    const fz = new Function({ name: 'fz', grid, dimensions: [grid.dimensions[2]!] });
    const kernel = finalKernel([new Inc(fz, g)]);
    expectClean(built([new Inc(fz, g)]));
    expect(verifyKernel(kernel)).toEqual([]);
    const racing = kernelWith(kernel, (node) =>
      node.kind !== 'iteration' ? node : node.dim?.name === 'x' ? { ...node, parallel: { collapse: 1, simd: false } } : { ...node, parallel: undefined, simd: node.dim?.name === 'y' },
    );
    const violations = verifyKernel(racing);
    expect(violations).toEqual([
      expect.stringMatching(/^\[parallel\] fz\[z\] is written by every point along x, whose points run concurrently/),
      expect.stringMatching(/^\[parallel\] fz\[z\] is written by every point along y/),
    ]);
  });

  it('parallel: a time loop marked parallel', () => {
    const kernel = kernelWith(finalKernel(diffusion1D(), { openmp: false }), (node) =>
      node.kind === 'iteration' && node.role === 'time' ? { ...node, parallel: { collapse: 1, simd: false } } : node,
    );
    expect(verifyKernel(kernel)).toContainEqual(expect.stringMatching(/^\[parallel\] loop time \(time\) is run in parallel/));
  });

  it('sections: a duplicated section id, and a nested section', () => {
    const kernel = kernelWith(finalKernel(seismic3D()), (node) => (node.kind === 'section' && node.id === 2 ? { ...node, id: 1 } : node));
    const violations = verifyKernel(kernel);
    expect(violations).toContainEqual('[sections] section id 1 appears 2 times');
    expect(violations).toContainEqual(expect.stringMatching(/^\[sections\] section 2 in execution order has id 1/));
    const nested = kernelWith(finalKernel(diffusion1D()), (node) =>
      node.kind === 'section' ? { ...node, body: [{ kind: 'section', id: 1, title: 'inner', body: [] }, ...node.body] } : node,
    );
    const more = verifyKernel(nested);
    expect(more).toContainEqual(expect.stringMatching(/^\[sections\] section 1 \(inner\) is nested in another section/));
    expect(more).toContainEqual('[sections] the tree has 2 sections but the kernel names 1 timers');
  });

  it('structure: a vector loop missing an operand, a region of two nodes', () => {
    let dropped = '';
    const kernel = kernelWith(finalKernel(acoustic3D()), (node) => {
      if (node.kind !== 'vector' || dropped) return node;
      const operands = new Map(node.operands);
      dropped = [...operands.keys()][0]!;
      operands.delete(dropped);
      return { ...node, operands } satisfies VectorLoop;
    });
    expect(verifyKernel(kernel)).toEqual([expect.stringMatching(new RegExp(`^\\[structure\\] vector loop z has no operand for .* \\(key ${dropped.replace(/[|@]/g, '\\$&')}\\)`))]);
    const region = kernelWith(finalKernel(acoustic3D()), (node) => (node.kind === 'region' ? { ...node, body: [...node.body, { kind: 'comment', lines: ['x'] }] } : node));
    expect(verifyKernel(region)).toEqual(['[structure] a parallel region holds 2 nodes (exactly one)']);
  });

  it('bound: a temporary used before its definition, and one defined twice', () => {
    // Swap each jammed body's first definition with the statement that uses it.
    const swap = (body: readonly Node[]): readonly Node[] => {
      const at = body.findIndex((n) => n.kind === 'expression' && n.op === 'define');
      if (at < 0 || at + 1 >= body.length) return body;
      return [...body.slice(0, at), body[at + 1]!, body[at]!, ...body.slice(at + 2)];
    };
    const innermost = (node: Node): node is Iteration => node.kind === 'iteration' && node.body.every((n) => n.kind === 'expression');
    const kernel = kernelWith(scalar3D(), (node) => (innermost(node) ? { ...node, body: swap(node.body) } : node));
    const violations = verifyKernel(kernel);
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.every((v) => /^\[bound\] temporary r\d+(_1)? is used before its definition/.test(v))).toBe(true);
    const twice = kernelWith(scalar3D(), (node) => {
      if (!innermost(node)) return node;
      const define = node.body.find((n) => n.kind === 'expression' && n.op === 'define')!;
      return { ...node, body: [define, ...node.body] };
    });
    expect(verifyKernel(twice)).toContainEqual(expect.stringMatching(/^\[bound\] temporary r\d+ is defined twice in one scope/));
    // A preamble temporary removed: every use is unbound.
    const base = scalar3D();
    const noPreamble = { ...base, preamble: base.preamble.slice(1) };
    expect(verifyKernel(noPreamble)).toContainEqual(expect.stringMatching(/^\[bound\] temporary r0 is used before its definition/));
  });
});

describe('runPasses with verification: a pass that breaks the tree is named', () => {
  const breakBounds: NamedPass = {
    name: 'breakBounds',
    run: (kernel) => kernelWith(kernel, (node) => (node.kind === 'iteration' && node.index === 'x' && node.lower ? { ...node, lower: ivar('x_Q') } : node)),
  };
  const pipeline = (): NamedPass[] => PIPELINE.map((pass) => ({ name: pass.option, run: pass.run }));

  it('throws an InternalCompilerError naming the pass and the violation', () => {
    const passes = pipeline();
    passes.splice(4, 0, breakBounds);
    let error: unknown;
    try {
      runPassList(built(acoustic3D()), passes, true);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InternalCompilerError);
    const ice = error as InternalCompilerError;
    expect(ice.pass).toBe('breakBounds');
    expect(ice.message).toContain('after pass "breakBounds"');
    expect(ice.message).toContain('[bound] loop x lower bound reads x_Q');
    expect(ice.violations.length).toBeGreaterThan(0);
    expect(ice).not.toBeInstanceOf(TypeError);
  });

  it('names a pass that breaks a later rule too (a wrong collapse), and "build" for a broken input', () => {
    const collapse: NamedPass = {
      name: 'overCollapse',
      run: (kernel) => kernelWith(kernel, (node) => (node.kind === 'iteration' && node.parallel ? { ...node, parallel: { ...node.parallel, collapse: 5 } } : node)),
    };
    expect(() => runPassList(built(acoustic3D()), [...pipeline(), collapse], true)).toThrow(/after pass "overCollapse"[\s\S]*\[parallel\] loop x0_blk0 collapses 5 loops/);
    const broken = breakBounds.run(built(acoustic3D()));
    expect(() => runPassList(broken, pipeline(), true)).toThrow(/after pass "build"/);
    // Without verification the broken tree goes through.
    expect(() => runPassList(broken, pipeline(), false)).not.toThrow();
    expect(() => runPasses(broken, DEFAULT_PASSES, false)).not.toThrow();
    expect(() => runPasses(broken)).toThrow(InternalCompilerError);
  });
});
