/**
 * Seeded generator of valid fuzz programs: small grids (1–3D), both dtypes, space orders 2–12,
 * Functions, TimeFunctions (ring or saved), Constants, derivatives, arithmetic, several
 * equations, sparse injection / interpolation, forward and backward time loops, or none.
 */
import { readsOwnTargetAround, timeExtents, haloNeeds, statementReach, type Specs } from './analysis.ts';
import { ExprGenerator, Random } from './generate-expr.ts';
import { PASS_NAMES, type ConstantSpec, type FieldSpec, type Node, type PassName, type Program, type SparseSpec, type Statement } from './program.ts';

export interface GenerateOptions {
  /** all: every pass on; none: all off; random: a random subset; mixed (default): each in turn by chance. */
  readonly passes?: 'all' | 'none' | 'random' | 'mixed';
  readonly threads?: readonly number[];
  /** Largest number of grid points (keeps the reference and the test fast). */
  readonly maxPoints?: number;
}

function choosePasses(rng: Random, mode: NonNullable<GenerateOptions['passes']>): Partial<Record<PassName, boolean>> {
  const pick = mode === 'mixed' ? rng.pick(['all', 'all', 'none', 'random', 'random'] as const) : mode;
  if (pick === 'all') return {};
  if (pick === 'none') return Object.fromEntries(PASS_NAMES.map((p) => [p, false]));
  return Object.fromEntries(PASS_NAMES.map((p) => [p, rng.chance(0.6)]));
}

/** Linear mostly; sinc only where the grid has 2·radius points along every axis. */
function chooseInterpolation(rng: Random, shape: readonly number[]): Pick<SparseSpec, 'interpolation' | 'radius'> {
  const maxRadius = Math.min(4, Math.floor(Math.min(...shape) / 2));
  const interpolation = rng.weighted({ linear: 3, nearest: 1, sinc: maxRadius >= 2 ? 2 : 0 });
  return { interpolation, radius: interpolation === 'sinc' ? rng.int(2, maxRadius) : undefined };
}

function chooseShape(rng: Random, maxPoints: number): number[] {
  const ndim = rng.pick([1, 2, 2, 3, 3]);
  for (;;) {
    const shape = ndim === 1 ? [rng.int(3, 40)] : ndim === 2 ? [rng.int(3, 16), rng.int(3, 20)] : [rng.int(3, 9), rng.int(3, 9), rng.int(3, 20)];
    if (shape.reduce((a, b) => a * b, 1) <= maxPoints) return shape;
  }
}

/** Generates the valid program of `seed`. */
export function generateProgram(seed: number, options: GenerateOptions = {}): Program {
  const rng = new Random(seed);
  const shape = chooseShape(rng, options.maxPoints ?? 1600);
  const ndim = shape.length;
  const spacing = shape.map(() => rng.pick([0.5, 1, 1, 1.25, 2]));
  const extent = shape.map((n, a) => (n - 1) * spacing[a]!);
  const origin = shape.map(() => rng.pick([0, 0, -2.5, 10]));
  const dtype = rng.pick(['float32', 'float64'] as const);
  const passes = choosePasses(rng, options.passes ?? 'mixed');

  const timeLoop = rng.chance(0.8);
  const direction: 1 | -1 = timeLoop && rng.chance(0.25) ? -1 : 1;
  const fieldDrafts: FieldSpec[] = [];
  const nFunctions = rng.int(1, 3);
  const nTime = timeLoop ? rng.int(1, 2) : 0;
  for (let i = 0; i < nFunctions; i++) {
    fieldDrafts.push({ name: `f${'abc'[i]}`, kind: 'function', spaceOrder: 2 * rng.int(1, 6), timeOrder: 0, save: undefined, halo: undefined, padding: rng.chance(0.8) });
  }
  for (let i = 0; i < nTime; i++) {
    const timeOrder = rng.int(1, 2);
    // A placeholder save size; the real one is fixed once the time range is known.
    const save = rng.chance(0.3) ? 1 : undefined;
    fieldDrafts.push({ name: `u${'ab'[i]}`, kind: 'time', spaceOrder: 2 * rng.int(1, 6), timeOrder, save, halo: undefined, padding: rng.chance(0.8) });
  }
  const specs: Specs = new Map(fieldDrafts.map((f) => [f.name, f]));
  const constants: ConstantSpec[] = Array.from({ length: rng.int(0, 2) }, (_, i) => ({
    name: `c${'ab'[i]}`, value: rng.pick([0.5, 0.75, 1.5, -0.25, 2, 0.3, -1.1]), passAtApply: rng.chance(0.5),
  }));
  const exprs = new ExprGenerator(rng, fieldDrafts, constants, ndim, timeLoop);

  // Statements one by one; each is regenerated until the program so far stays valid.
  const statements: Statement[] = [];
  const sparseDrafts: { name: string; coordinates: number[][] }[] = [];
  const nStatements = rng.int(1, 4) + (timeLoop ? rng.int(0, 2) : 0);
  for (let i = 0; i < nStatements; i++) {
    for (let attempt = 0; attempt < 20; attempt++) {
      // Without a time loop the points are SparseFunctions (no time axis).
      const kind = rng.chance(0.3) ? rng.pick(['inject', 'interpolate'] as const) : 'eq';
      const s = draftStatement(kind, sparseDrafts.length);
      if (s && acceptable([...statements, s])) {
        statements.push(s);
        if (s.kind !== 'eq') sparseDrafts.push({ name: s.sparse, coordinates: exprs.coordinates(shape, spacing, origin) });
        break;
      }
    }
  }
  if (statements.length === 0) {
    const f = fieldDrafts[0]!;
    statements.push({ kind: 'eq', target: f.name, time: 0, rhs: { op: 'mul', a: { op: 'num', value: 0.5 }, b: { op: 'field', name: f.name, time: 0, offsets: shape.map(() => 0) } } });
  }

  function draftStatement(kind: Statement['kind'], sparseIndex: number): Statement | undefined {
    const target = rng.pick(fieldDrafts);
    const time = target.kind === 'time' ? rng.pick([0, direction, direction]) : 0;
    const sparse = `s${'abcdefgh'[sparseIndex]}`;
    if (kind === 'interpolate') return { kind, sparse, expr: exprs.sampled(1) };
    if (kind === 'inject') {
      const rhs = exprs.injected(sparse, target.name);
      return { kind, sparse, target: target.name, time, expr: rhs };
    }
    return { kind: 'eq', target: target.name, time, rhs: exprs.expression(3, { name: target.name, time }) };
  }

  /** The DSL's rules: no own-target neighbour reads, enough time slots. */
  function acceptable(all: readonly Statement[]): boolean {
    const last = all[all.length - 1]!;
    if (readsOwnTargetAround(last, specs, ndim)) return false;
    for (const [name, [lo, hi]] of timeExtents(all, specs, ndim)) {
      const f = specs.get(name)!;
      if (f.save === undefined && hi - lo + 1 > f.timeOrder + 1) return false;
    }
    return true;
  }

  // The loop runs backward only if something writes t − 1 (the compiler's rule, and Devito's).
  const backward = statements.some((s) => s.kind !== 'interpolate' && specs.get(s.target)!.kind === 'time' && s.time === -1);
  // Time range: saved buffers need every index the statements reach inside 0 … save − 1.
  const extents = timeExtents(statements, specs, ndim);
  let time: Program['time'];
  if (timeLoop) {
    let lowest = 0;
    for (const [name, [lo]] of extents) if (specs.get(name)!.save !== undefined) lowest = Math.max(lowest, -lo);
    const min = lowest + rng.int(0, 2);
    time = { min, max: min + rng.int(0, 3), dt: rng.pick([0.5, 0.75, 1, 2]) };
  }
  const halos = haloNeeds(statements, specs, ndim);
  const fields = fieldDrafts.map((f): FieldSpec => {
    const need = halos.get(f.name) ?? 0;
    const halo = need > f.spaceOrder / 2 ? need : rng.chance(0.15) ? f.spaceOrder / 2 + rng.int(1, 2) : undefined;
    const hi = extents.get(f.name)?.[1] ?? 0;
    const save = f.save === undefined ? undefined : Math.max(time!.max + hi + 1 + rng.int(0, 2), f.timeOrder + 1);
    return { ...f, halo, save };
  });
  const sparses: SparseSpec[] = sparseDrafts.map((s) => ({
    ...s,
    nt: time && rng.chance(0.8) ? time.max + 1 + rng.int(0, 2) : undefined,
    ...chooseInterpolation(rng, shape),
  }));
  const blockSizes: Record<string, number> = rng.chance(0.5)
    ? { x0_blk0_size: rng.int(1, 8), y0_blk0_size: rng.int(1, 8), time_tile_size: rng.int(1, 4), x_wave_size: rng.int(1, 8) }
    : {};
  return {
    seed, shape, extent, origin, dtype, fields, constants, sparses, statements, time, direction: backward ? -1 : 1,
    passes, blockSizes, threads: options.threads ?? [1, 2],
  };
}

export type { Node };
