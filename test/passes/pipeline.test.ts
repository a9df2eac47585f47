import { describe, expect, it } from 'vitest';
import { children, type Expr } from '../../src/dsl/expr.ts';
import type { Expression, IndexDefinition, Iteration, IterationRole, Node, VectorLoop } from '../../src/ir/tree.ts';
import { isIteration, isNest, nestStatements, nodesOf, sectionsOf, timeLoopOf } from '../../src/ir/visit.ts';
import type { Operator } from '../../src/index.ts';
import { expectGolden } from '../golden.ts';
import { PASS_NAMES, passOperator, type PassName } from './pass-ops.ts';

/** Runs 10 steps from a fixed start; returns the final raw buffer. */
function run(without: PassName | undefined, dtype: 'float32' | 'float64', padding = true) {
  const { u, m, op } = passOperator(without, dtype, padding);
  const [nx, ny, nz] = u.grid.shape as [number, number, number];
  const size = nx * ny * nz;
  const start = new Float64Array(3 * size);
  for (let i = 0; i < nx; i++) for (let j = 0; j < ny; j++) for (let k = 0; k < nz; k++) {
    const g = Math.exp(-((i - 10) ** 2 + (j - 8) ** 2 + (k - 7) ** 2) / 6);
    start[(i * ny + j) * nz + k] = g;
    start[size + (i * ny + j) * nz + k] = g;
  }
  u.data.assign(dtype === 'float32' ? Float32Array.from(start) : start);
  const mv = Float64Array.from({ length: size }, (_, i) => 1 / (1.5 + 0.5 * Math.sin(i)) ** 2);
  m.data.assign(dtype === 'float32' ? Float32Array.from(mv) : mv);
  const blocks = without === 'blocking' ? {} : { x0_blk0_size: 6, y0_blk0_size: 5 };
  // Tiles of 3 steps (10 steps: 3, 3, 3, 1) in waves of 5 planes (21 planes: 4 waves and 1).
  const tiles = without === 'timeTiling' ? {} : { time_tile_size: 3, x_wave_size: 5 };
  op.apply({ timeMin: 1, timeMax: 10, dt: 2, nthreads: 2, ...blocks, ...tiles });
  return u.data.toArray();
}

/** The fully optimised kernel's result per dtype, computed once and compared against by every case. */
const optimised = new Map<'float32' | 'float64', Float32Array | Float64Array>();
function reference(dtype: 'float32' | 'float64'): Float32Array | Float64Array {
  if (!optimised.has(dtype)) optimised.set(dtype, run(undefined, dtype));
  return optimised.get(dtype)!;
}

function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    norm = Math.max(norm, Math.abs(b[i]!));
  }
  return diff / norm;
}

// ---- Reading the loop tree and the C ----

const loopsOf = (op: Operator): Iteration[] => nodesOf(op.kernel.body, isIteration);
const rolesOf = (op: Operator): Set<IterationRole> => new Set(loopsOf(op).map((loop) => loop.role));
const isVector = (node: Node): node is VectorLoop => node.kind === 'vector';
const vectorLoopsOf = (op: Operator): VectorLoop[] => nodesOf(op.kernel.body, isVector);
/** Loops whose body is statements only (a vector loop's scalar remainder included). */
const innermostLoopsOf = (op: Operator): Iteration[] => loopsOf(op).filter((loop) => loop.body.length > 0 && loop.body.every((node) => node.kind === 'expression'));
/** The statements computing one point of every nest (copy 0 of a jammed body). */
const pointStatementsOf = (op: Operator) => nestStatements(op.kernel);
/** Every statement inside the loop nests (all jammed copies, vector and scalar forms). */
const nestStatementsOf = (op: Operator) => sectionsOf(op.kernel).filter(isNest).flatMap((section) => nodesOf(section.body, (node): node is Expression => node.kind === 'expression'));
/** Index variables assigned more than once (the jammed loop and its remainder share one). */
const mutableIndices = (op: Operator): string[] => nodesOf(op.kernel.body, (node): node is IndexDefinition => node.kind === 'index').flatMap((index) => (index.mutable ? [index.name] : []));
const blockSizeNames = (op: Operator, ...roles: readonly string[]): string[] =>
  op.kernel.parameters.flatMap((p) => (p.kind === 'blockSize' && roles.includes(p.role) ? [p.name] : []));
const parallelLoops = (op: Operator) => loopsOf(op).flatMap((loop) => (loop.parallel ? [{ index: loop.index, collapse: loop.parallel.collapse }] : []));
/** Multiplications to evaluate `expr` once (a product of n factors is n − 1 of them). */
const multiplications = (expr: Expr): number => (expr.kind === 'mul' ? expr.args.length - 1 : 0) + children(expr).reduce((sum, child) => sum + multiplications(child), 0);
const multiplicationsPerPoint = (op: Operator): number => pointStatementsOf(op).reduce((sum, statement) => sum + multiplications(statement.value), 0);
/** The C from the first loop on (after the declarations and the loop invariants). */
function loopCode(op: Operator): string {
  const start = op.ccode.indexOf('for (');
  expect(start).toBeGreaterThan(0);
  return op.ccode.slice(start);
}
const count = (text: string, pattern: RegExp): number => text.match(new RegExp(pattern.source, 'g'))?.length ?? 0;

/**
 * What each pass leaves in the kernel, checked with the pass off (`off`) and, for every such
 * check, the contrary with every pass on (`all`): each assertion fails when its pass misbehaves.
 */
const PASS_OFF: Record<PassName, (off: Operator, all: Operator) => void> = {
  factorize(off, all) {
    // With factorisation each weight multiplies the sum of the points it weighs; without, each point.
    expect(multiplicationsPerPoint(off)).toBeGreaterThan(multiplicationsPerPoint(all));
    expect(off.flopsPerPoint).toBeGreaterThan(all.flopsPerPoint);
    expect(all.ccode).toContain('0.083333336F*(u[t0][x][y + 2][z + 2] + u[t0][x + 4][y + 2][z + 2])');
    expect(off.ccode).not.toContain('0.083333336F*(');
    expect(off.ccode).toContain('0.083333336F*u[t0][x][y + 2][z + 2] - 0.083333336F*u[t0][x + 4][y + 2][z + 2]');
  },
  hoist(off, all) {
    expect(all.kernel.preamble.length).toBeGreaterThan(0);
    expect(off.kernel.preamble).toEqual([]);
    expect(all.ccode).toContain('/* Loop invariants, computed once per call. */');
    expect(off.ccode).not.toContain('Loop invariants');
    // 1/h_x² is computed in the loop nest, not before it.
    expect(loopCode(all)).not.toContain('h_x*h_x');
    expect(loopCode(off)).toContain('h_x*h_x');
  },
  cse(off, all) {
    // The stencil centre −2.5·u (used along x, y and z) is a temporary with CSE, repeated without.
    expect(pointStatementsOf(all).map((s) => s.op)).toEqual(['define', 'assign']);
    expect(nestStatementsOf(all).some((s) => s.op === 'define')).toBe(true);
    expect(nestStatementsOf(off).filter((s) => s.op === 'define')).toEqual([]);
    expect(loopCode(all)).toMatch(/const float r\d+ = -2\.5F\*u\[t0\]/);
    expect(loopCode(off)).not.toMatch(/const (float|vreal) r\d/);
    expect(count(loopCode(off), /2\.5F\*/)).toBeGreaterThan(count(loopCode(all), /2\.5F\*/));
  },
  blocking(off, all) {
    expect(loopsOf(all).filter((loop) => loop.role === 'block').map((loop) => loop.index)).toEqual(['x0_blk0', 'y0_blk0']);
    expect(rolesOf(off).has('block')).toBe(false);
    expect(blockSizeNames(all, 'block')).toEqual(['x0_blk0_size', 'y0_blk0_size']);
    expect(blockSizeNames(off, 'block')).toEqual([]);
    // The threads share the x loop itself instead of the collapsed blocks.
    expect(parallelLoops(all)).toEqual([{ index: 'x0_blk0', collapse: 2 }]);
    expect(parallelLoops(off)).toEqual([{ index: 'x', collapse: 1 }]);
    expect(all.ccode).toContain('x0_blk0');
    expect(off.ccode).not.toContain('x0_blk0');
    expect(off.ccode).not.toContain('blk0');
  },
  timeTiling(off, all) {
    for (const role of ['timeTile', 'wave', 'tileStep'] as const) {
      expect(rolesOf(all).has(role)).toBe(true);
      expect(rolesOf(off).has(role)).toBe(false);
    }
    expect(timeLoopOf(all.kernel)?.role).toBe('timeTile');
    expect(timeLoopOf(off.kernel)?.role).toBe('time');
    expect(blockSizeNames(all, 'timeTile', 'wave')).toEqual(['time_tile_size', 'x_wave_size']);
    expect(blockSizeNames(off, 'timeTile', 'wave')).toEqual([]);
    for (const name of ['time_tile', 'x_wave', 'tile_step']) {
      expect(all.ccode).toContain(name);
      expect(off.ccode).not.toContain(name);
    }
  },
  jam(off, all) {
    expect(Math.max(...loopsOf(all).map((loop) => loop.jam))).toBe(2);
    expect(loopsOf(off).every((loop) => loop.jam === 1)).toBe(true);
    // No copy of the body computes a neighbouring point, and no index is shared with a remainder.
    expect(nestStatementsOf(all).some((s) => Object.values(s.shifts).some((shift) => shift !== 0))).toBe(true);
    expect(nestStatementsOf(off).every((s) => Object.values(s.shifts).every((shift) => shift === 0))).toBe(true);
    expect(mutableIndices(all)).toEqual(['x']);
    expect(mutableIndices(off)).toEqual([]);
    expect(all.ccode).toContain('x_end');
    expect(off.ccode).not.toContain('x_end');
    expect(all.ccode).toContain('x += 2');
    expect(off.ccode).not.toContain('x += 2');
  },
  fixedStrides(off, all) {
    expect(all.kernel.fixedStrides).toBe(true);
    expect(off.kernel.fixedStrides).toBe(false);
    // Casts with the runtime extents, and rows addressed through the arrays (no base pointers).
    expect(all.ccode).toContain('float (*restrict u)[25][22][32] = (float (*)[25][22][32]) u_vec;');
    expect(off.ccode).toContain('float (*restrict u)[u_x_size][u_y_size][u_z_size] = (float (*)[u_x_size][u_y_size][u_z_size]) u_vec;');
    expect(off.ccode).toContain('float (*restrict m)[m_y_size][m_z_size] = (float (*)[m_y_size][m_z_size]) m_vec;');
    expect(off.ccode).not.toMatch(/\[\d+\]\[\d+\]/);
    expect(vectorLoopsOf(all).every((loop) => loop.bases.length > 0)).toBe(true);
    expect(vectorLoopsOf(off).length).toBeGreaterThan(0);
    expect(vectorLoopsOf(off).every((loop) => loop.bases.length === 0 && loop.rows.every((row) => row.base === undefined))).toBe(true);
    expect(all.ccode).toContain('base0');
    expect(off.ccode).not.toContain('base0');
  },
  openmp(off, all) {
    expect(loopsOf(all).some((loop) => loop.parallel !== undefined)).toBe(true);
    expect(loopsOf(all).some((loop) => loop.simd)).toBe(true);
    expect(loopsOf(off).filter((loop) => loop.parallel !== undefined || loop.simd)).toEqual([]);
    expect(nodesOf(all.kernel.body, (node) => node.kind === 'region')).toHaveLength(1);
    expect(nodesOf(off.kernel.body, (node) => node.kind === 'region')).toEqual([]);
    // The vector pass needs the simd loops: it leaves the nest alone.
    expect(vectorLoopsOf(off)).toEqual([]);
    for (const pragma of ['#pragma omp parallel', '#pragma omp for', '#pragma omp simd']) {
      expect(all.ccode).toContain(pragma);
      expect(off.ccode).not.toContain(pragma);
    }
    expect(off.ccode).not.toContain('#pragma omp');
    expect(all.ccode).toContain('VLOAD(');
    expect(off.ccode).not.toContain('VLOAD(');
  },
  vectorWindows(off, all) {
    expect(vectorLoopsOf(all).some((loop) => loop.windows.length > 0)).toBe(true);
    expect(vectorLoopsOf(off)).toEqual([]);
    // Every innermost loop is the `omp simd` loop (with the vector loop, its remainders are not all).
    expect(innermostLoopsOf(all).every((loop) => loop.simd)).toBe(false);
    expect(innermostLoopsOf(off).map((loop) => [loop.index, loop.simd])).toEqual([['z', true], ['z', true]]);
    expect(all.ccode).toContain('VLOAD(');
    expect(off.ccode).not.toContain('VLOAD(');
    expect(all.ccode).toContain('<immintrin.h>');
    expect(off.ccode).not.toContain('<immintrin.h>');
    expect(count(off.ccode, /for \(int z /)).toBe(2);
    expect(count(off.ccode, /#pragma omp simd\n\s*for \(int z = z_m; z <= z_M; z \+= 1\)/)).toBe(2);
    expect(count(all.ccode, /#pragma omp simd\n\s*for \(int z /)).toBeLessThan(count(all.ccode, /for \(int z /));
  },
};

/** The loop tree as plain data, for comparing its shape. */
function outline(nodes: readonly Node[]): unknown[] {
  return nodes.map((node) => {
    switch (node.kind) {
      case 'iteration':
        return {
          loop: node.index,
          role: node.role,
          ...(node.jam > 1 ? { jam: node.jam } : {}),
          ...(node.lower === undefined ? { continues: true } : {}),
          ...(node.parallel ? { parallel: node.parallel.collapse } : {}),
          ...(node.simd ? { simd: true } : {}),
          body: outline(node.body),
        };
      case 'vector':
        return { vector: node.dim.name, lanes: node.lanes, windows: node.windows.length, shared: node.shared.length, body: outline(node.body), remainder: outline([node.remainder])[0] };
      case 'expression': {
        const target = node.target.kind === 'temp' ? node.target.name : node.target.field.name;
        const shifts = Object.entries(node.shifts).filter(([, s]) => s !== 0).map(([dim, s]) => ` ${dim}+${s}`).join('');
        return `${node.op} ${target}${shifts}`;
      }
      case 'index': return `${node.mutable ? 'int' : 'const int'} ${node.name}`;
      case 'section': return { section: node.title, body: outline(node.body) };
      case 'region': return { region: outline(node.body) };
      case 'guard': return { guard: outline(node.body) };
      default: return node.kind;
    }
  });
}

describe('optimisation passes: the kernel with each pass off, and the same numbers', () => {
  it('with every pass on, the C matches its golden file (test/fixtures/golden/passes-all.c)', () => {
    expectGolden('passes-all.c', passOperator().op.ccode);
  });

  it('with every pass on, the loop tree is time tiles ⊃ section ⊃ blocks ⊃ jammed x and its remainder ⊃ y ⊃ vector loop with windows', () => {
    const { op } = passOperator();
    const { kernel } = op;
    const tiles = timeLoopOf(kernel)!;
    expect(outline(kernel.body)).toEqual(['comment', { region: [expect.objectContaining({ loop: 'time_tile', role: 'timeTile' })] }]);
    expect(outline(tiles.body)).toEqual(['const int tile_steps', expect.objectContaining({ loop: 'x_wave', role: 'wave', body: [expect.objectContaining({ loop: 'tile_step', role: 'tileStep' })] })]);
    const [section, ...others] = sectionsOf(kernel);
    expect(others).toEqual([]);
    const step = loopsOf(op).find((loop) => loop.role === 'tileStep')!;
    expect(outline(step.body).slice(-1)).toEqual([expect.objectContaining({ section: 'update u' })]);
    const point = ['define r4', 'assign u'];
    const jammed = ['define r4', 'assign u', 'define r4_1 x+1', 'assign u x+1'];
    expect(outline(section!.body)).toEqual([
      { loop: 'x0_blk0', role: 'block', parallel: 2, body: [
        { loop: 'y0_blk0', role: 'block', body: [
          'const int x_end',
          'int x',
          { loop: 'x', role: 'space', jam: 2, continues: true, body: [
            { loop: 'y', role: 'space', body: [
              { vector: 'z', lanes: 16, windows: 2, shared: 2, body: jammed, remainder: { loop: 'z', role: 'space', body: jammed } },
            ] },
          ] },
          { loop: 'x', role: 'space', continues: true, body: [
            { loop: 'y', role: 'space', body: [
              { loop: 'z', role: 'space', simd: true, body: point },
            ] },
          ] },
        ] },
      ] },
    ]);
    // The windows: row u[t0] at x and x + 1 (one per jammed copy), kept in registers along z.
    const [vector] = vectorLoopsOf(op);
    expect(vector!.windows.map((w) => vector!.rows.find((row) => row.key === w.row)?.outer)).toEqual([[2, 2], [3, 2]]);
    expect(kernel.fixedStrides).toBe(true);
    expect(kernel.preamble.map((s) => (s.target.kind === 'temp' ? s.target.name : ''))).toEqual(['r0', 'r1', 'r2', 'r3']);
  });

  // Passes that only reschedule loops keep every operation of every point: bitwise equal.
  // Factorisation and hoisting re-associate products and sums; CSE's temporaries re-enter the
  // canonical (sorted) operand order under new names, which reorders some sums: equal to round-off.
  const BITWISE: Record<PassName, boolean> = { factorize: false, hoist: false, cse: false, blocking: true, timeTiling: true, jam: true, fixedStrides: true, openmp: true, vectorWindows: true };

  for (const pass of PASS_NAMES) {
    it(`without ${pass}: the loop tree and C lack what the pass does, and results are ${BITWISE[pass] ? 'bitwise equal' : 'equal to round-off'} to the fully optimised kernel`, () => {
      const { op } = passOperator(pass);
      const allOp = passOperator().op;
      PASS_OFF[pass](op, allOp);
      // The checks tell the kernels apart: given the fully optimised kernel as the one without the pass, they fail.
      expect(() => PASS_OFF[pass](allOp, allOp)).toThrow();
      expect(() => PASS_OFF[pass](op, op)).toThrow();
      expect(op.ccode).not.toBe(allOp.ccode.replace(/acoustic_all/g, `acoustic_${pass}`)); // the pass did something
      const all = reference('float64');
      const off = run(pass, 'float64');
      expect(Math.max(...all.map(Math.abs))).toBeGreaterThan(0.05);
      if (BITWISE[pass]) {
        expect(Buffer.from(off.buffer).equals(Buffer.from(all.buffer))).toBe(true);
        const all32 = reference('float32');
        const off32 = run(pass, 'float32');
        expect(Buffer.from(off32.buffer).equals(Buffer.from(all32.buffer))).toBe(true);
      } else {
        expect(relativeDifference(off, all)).toBeLessThan(1e-13);
        expect(relativeDifference(run(pass, 'float32'), reference('float32'))).toBeLessThan(1e-5);
      }
    });
  }

  it('dense rows (padding: false): C differing from the padded kernel only in the row extent, and bitwise equal results', () => {
    const dense = passOperator(undefined, 'float32', false);
    const padded = passOperator();
    expect(dense.u.data.allocatedShape).toEqual([3, 25, 22, 19]);
    expect(padded.u.data.allocatedShape).toEqual([3, 25, 22, 32]);
    // The row extent appears in the array casts ([32]) and in the vector loop's row offsets (*32).
    expect(padded.op.ccode).toContain('(float (*)[25][22][32]) u_vec');
    expect(padded.op.ccode).toMatch(/\)\*32 \+ z/);
    expect(dense.op.ccode).toContain('(float (*)[25][22][19]) u_vec');
    expect(dense.op.ccode).toBe(padded.op.ccode.replace(/acoustic_all/g, 'acoustic_dense').replace(/\[32\]/g, '[19]').replace(/\)\*32 \+/g, ')*19 +'));
    for (const dtype of ['float32', 'float64'] as const) {
      const reference32or64 = reference(dtype);
      const unpadded = run(undefined, dtype, false);
      expect(Math.max(...reference32or64.map(Math.abs))).toBeGreaterThan(0.05);
      expect(Buffer.from(unpadded.buffer).equals(Buffer.from(reference32or64.buffer))).toBe(true);
    }
  });

  it('factorisation lowers the flop count; CSE and hoisting do too', () => {
    const all = passOperator().op.flopsPerPoint;
    expect(passOperator('factorize').op.flopsPerPoint).toBeGreaterThan(all);
    expect(passOperator('cse').op.flopsPerPoint).toBeGreaterThan(all);
    expect(passOperator('hoist').op.flopsPerPoint).toBeGreaterThan(all);
  });
});
