// The import rules of ARCHITECTURE.md, checked on the source text: no import cycle between
// modules (type-only imports included), and each layer imports only itself and layers before it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/**
 * Layers, lowest first: a file of a layer imports only files of its own layer and earlier ones.
 * `support` holds helpers every layer shares; `operator` (src/operator.ts) ties ir, codegen, jit
 * and runtime together and is what revolve's CheckpointOperator wraps; `index` is the public
 * surface and imports anything.
 */
const LAYERS = ['support', 'errors', 'dsl', 'ir', 'passes', 'codegen', 'jit', 'runtime', 'operator', 'revolve', 'io', 'seismic', 'cli', 'index'] as const;

/** Known layer violations, `importer -> imported` (paths below src/); each to be removed, none to be added. */
const ALLOWED: readonly string[] = [
  // (none today; one inside src/ir, src/passes or src/codegen would be listed here with the
  // comment `// being removed by the loop-tree rewrite`)
];


function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Module specifiers a file imports or re-exports, type-only and dynamic imports included. */
function importsOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found: string[] = [];
  // import x from '…'; import { a, type B } from '…'; import type … from '…'; import '…'; export … from '…'
  for (const m of code.matchAll(/(?:^|;)\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"\n]+)['"]/gm)) found.push(m[1]!);
  // await import('…') and typeof import('…')
  for (const m of code.matchAll(/\bimport\(\s*['"]([^'"\n]+)['"]\s*\)/g)) found.push(m[1]!);
  return found;
}

/** `src/dsl/expr.ts` → `dsl/expr.ts`; relative imports only (packages and node: builtins are outside the graph). */
function graph(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const targets = importsOf(readFileSync(file, 'utf8'))
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => {
        const target = resolve(dirname(file), spec);
        if (!existsSync(target)) throw new Error(`${relative(SRC, file)} imports ${spec}, which does not exist`);
        return relative(SRC, target);
      });
    edges.set(relative(SRC, file), [...new Set(targets)]);
  }
  return edges;
}

const layerOf = (file: string): string => (file.includes('/') ? file.slice(0, file.indexOf('/')) : file.replace(/\.ts$/, ''));

/** Files that import each other, directly or not (Tarjan's strongly connected components of two or more), sorted. */
function cyclesOf(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const next of edges.get(file) ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file)!, index.get(next)!));
      }
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const file of [...edges.keys()].sort()) if (!index.has(file)) connect(file);
  return components.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** One cycle as a path `a → b → … → a`, or undefined. */
function findCycle(edges: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string): string[] | undefined => {
    state.set(file, 'open');
    path.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === 'open') return [...path.slice(path.indexOf(next)), next];
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    path.pop();
    state.set(file, 'done');
    return undefined;
  };
  for (const file of [...edges.keys()].sort()) {
    if (!state.has(file)) {
      const cycle = visit(file);
      if (cycle) return cycle;
    }
  }
  return undefined;
}

describe('architecture: imports between modules of src/', () => {
  const edges = graph();

  it('the import scanner sees the kinds of import the code uses', () => {
    expect(importsOf([
      "import { a, type B } from './a.ts';",
      'import type {\n  C,\n  D,\n} from "./c.ts";',
      "import './side-effect.ts';",
      "export { e } from './e.ts';",
      "export * from './f.ts';",
      "type Lz4 = typeof import('lz4-napi');",
      "const { run } = await import('./g.ts');",
      "// import { h } from './commented.ts';",
      "/** import { i } from './doc.ts'; */",
      "const text = 'imported from elsewhere';",
    ].join('\n'))).toEqual(['./a.ts', './c.ts', './side-effect.ts', './e.ts', './f.ts', 'lz4-napi', './g.ts']);
    expect(edges.get('dsl/grid.ts')).toContain('errors.ts');
    expect(edges.size).toBeGreaterThan(50);
  });

  it('has no import cycle, type-only imports included', () => {
    // One path per cycle, to say which imports to change.
    expect(cyclesOf(edges).map((files) => findCycle(new Map(files.map((f) => [f, edges.get(f)!.filter((t) => files.includes(t))])))!.join(' → '))).toEqual([]);
  });

  it('the cycle check finds a cycle when there is one', () => {
    const cyclic = new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts', 'd.ts']], ['d.ts', ['e.ts']], ['e.ts', ['d.ts']], ['f.ts', []]]);
    expect(findCycle(cyclic)).toEqual(['a.ts', 'b.ts', 'c.ts', 'a.ts']);
    expect(cyclesOf(cyclic)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['d.ts', 'e.ts']]);
  });

  it(`every layer imports only itself and the layers before it: ${LAYERS.join(' < ')}`, () => {
    const rank = new Map<string, number>(LAYERS.map((layer, i) => [layer, i]));
    const unknown = [...edges.keys()].filter((file) => !rank.has(layerOf(file)));
    expect(unknown, 'files outside every layer: add their folder to LAYERS').toEqual([]);
    const violations: string[] = [];
    for (const [file, targets] of edges) {
      for (const target of targets) {
        if (rank.get(layerOf(target))! > rank.get(layerOf(file))!) violations.push(`${file} -> ${target}`);
      }
    }
    expect(violations.filter((v) => !ALLOWED.includes(v))).toEqual([]);
    // An allowed exception that no longer occurs is removed from the list.
    expect(ALLOWED.filter((v) => !violations.includes(v))).toEqual([]);
  });

  it('support imports nothing from the rest of src/', () => {
    const outward = [...edges].filter(([file]) => layerOf(file) === 'support').flatMap(([file, targets]) => targets.filter((t) => layerOf(t) !== 'support').map((t) => `${file} -> ${t}`));
    expect(outward).toEqual([]);
  });
});
