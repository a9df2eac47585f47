/**
 * A fuzz program as a runnable devito-ts script (the printable repro of a failure). Data are
 * filled by the same seeded rule as the fuzzer (test/fuzz/program.ts), so the script reproduces
 * the failing run exactly.
 */
import type { Node, Program, Statement } from './program.ts';

const DERIVS: Record<number, readonly string[]> = { 1: ['dx', 'dy', 'dz'], 2: ['dx2', 'dy2', 'dz2'] };

/** The DSL expression text of a node (what build.ts calls, spelled out). */
export function exprText(node: Node): string {
  switch (node.op) {
    case 'num': return String(node.value);
    case 'const': case 'sparse': return node.name;
    case 'field':
      if (node.time === 1) return `${node.name}.forward`;
      if (node.time === -1) return `${node.name}.backward`;
      return node.offsets.some((o) => o !== 0) ? `${node.name}.at(${node.offsets.join(', ')})` : node.name;
    case 'add': case 'sub': case 'mul': case 'div': return `${operand(node.a)}.${node.op}(${exprText(node.b)})`;
    case 'neg': return `${operand(node.a)}.neg()`;
    case 'pow': return `${operand(node.a)}.pow(${node.exponent})`;
    case 'laplace': return `${operand(node.a)}.laplace`;
    case 'deriv': {
      const a = operand(node.a);
      if (node.dim < 0) return node.style === 'sugar' ? `${a}.${node.order === 1 ? 'dt' : 'dt2'}` : `${a}.diff(grid.time, ${node.order})`;
      if (node.style === 'sugar') return `${a}.${DERIVS[node.order]![node.dim]}`;
      const options = [`shift: ${node.shift}`, ...(node.explicitFdOrder ? [`fdOrder: ${node.fdOrder}`] : [])].join(', ');
      return `${a}.diff(grid.dimensions[${node.dim}]!, ${node.order}, { ${options} })`;
    }
  }
}

/** Numbers need wrapping to have methods. */
const operand = (node: Node): string => (node.op === 'num' ? `add(${node.value})` : exprText(node));

function statementText(s: Statement): string {
  const target = (name: string, time: number): string => (time === 1 ? `${name}.forward` : time === -1 ? `${name}.backward` : name);
  if (s.kind === 'eq') return `new Eq(${target(s.target, s.time)}, ${exprText(s.rhs)})`;
  if (s.kind === 'inject') return `${s.sparse}.inject({ field: ${target(s.target, s.time)}, expr: ${exprText(s.expr)} })`;
  return `${s.sparse}.interpolate({ expr: ${exprText(s.expr)} })`;
}

/** A standalone script: run it with `node --import tsx repro.ts` from the repository root. */
export function programText(p: Program, nthreads: number): string {
  const lines = [
    `// fuzz seed ${p.seed}`,
    "import { Grid, Function, TimeFunction, Constant, SparseFunction, SparseTimeFunction, Eq, Operator, add } from './src/index.ts';",
    "import { fieldInitial, sparseInitial, type Program } from './test/fuzz/program.ts';",
    `const grid = new Grid({ shape: ${JSON.stringify(p.shape)}, extent: ${JSON.stringify(p.extent)}, origin: ${JSON.stringify(p.origin)}, dtype: '${p.dtype}' });`,
  ];
  for (const f of p.fields) {
    const opts = [`name: '${f.name}'`, 'grid', `spaceOrder: ${f.spaceOrder}`];
    if (f.halo !== undefined) opts.push(`halo: ${f.halo}`);
    if (!f.padding) opts.push('padding: false');
    if (f.kind === 'time') opts.push(`timeOrder: ${f.timeOrder}`);
    if (f.save !== undefined) opts.push(`save: ${f.save}`);
    lines.push(`const ${f.name} = new ${f.kind === 'time' ? 'TimeFunction' : 'Function'}({ ${opts.join(', ')} });`);
  }
  for (const c of p.constants) lines.push(`const ${c.name} = new Constant({ name: '${c.name}', dtype: '${p.dtype}'${c.passAtApply ? '' : `, value: ${c.value}`} });`);
  for (const s of p.sparses) {
    const kind = `interpolation: '${s.interpolation}'${s.radius === undefined ? '' : `, radius: ${s.radius}`}`;
    const [cls, nt] = s.nt === undefined ? ['SparseFunction', ''] : ['SparseTimeFunction', `, nt: ${s.nt}`];
    lines.push(`const ${s.name} = new ${cls}({ name: '${s.name}', grid, npoint: ${s.coordinates.length}${nt}, coordinates: ${JSON.stringify(s.coordinates)}, ${kind} });`);
  }
  lines.push('const op = new Operator([');
  for (const s of p.statements) lines.push(`  ${statementText(s)},`);
  lines.push(`], { name: 'Fuzz', passes: ${JSON.stringify(p.passes)} });`);
  lines.push(`const program = ${JSON.stringify(p)} as Program;`);
  const typed = p.dtype === 'float32' ? 'Float32Array.from' : '';
  for (const f of p.fields) lines.push(`${f.name}.data.assign(${typed}(fieldInitial(program, program.fields.find((f) => f.name === '${f.name}')!)));`);
  for (const s of p.sparses) lines.push(`${s.name}.data.assign(${typed}(sparseInitial(program, program.sparses.find((s) => s.name === '${s.name}')!)));`);
  const args: string[] = [`nthreads: ${nthreads}`];
  if (p.time) args.push(`timeMin: ${p.time.min}`, `timeMax: ${p.time.max}`, `dt: ${p.time.dt}`);
  for (const c of p.constants) if (c.passAtApply) args.push(`${c.name}: ${c.value}`);
  for (const [name, size] of Object.entries(p.blockSizes)) args.push(`...(op.kernel.parameters.some((p) => p.name === '${name}') ? { ${name}: ${size} } : {})`);
  lines.push(`op.apply({ ${args.join(', ')} });`);
  for (const f of p.fields) lines.push(`console.log('${f.name}', Array.from(${f.name}.data.toArray()));`);
  for (const s of p.sparses) lines.push(`console.log('${s.name}', Array.from(${s.name}.data.toArray()));`);
  return `${lines.join('\n')}\n`;
}
