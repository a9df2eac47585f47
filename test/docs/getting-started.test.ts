// Executes docs/getting-started.md: every ```ts block is written to a file (its first line names
// it: `// heat.ts` is written and run, `// file: x.ts` only written), every `npx devito-ts` line
// of a ```sh block is run, and a ```text block after either is its whole output, line for line
// (`…` matches anything; numbers match within a tolerance). All in one scratch directory, in document order, so the docs cannot rot.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { INDEX, ROOT, runCli, runNode, scratchDir, type RunResult } from '../cli/cli-helpers.ts';

interface Block {
  readonly lang: string;
  readonly code: string;
  readonly line: number;
}

function fencedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const pattern = /^```(\w*)\n([\s\S]*?)^```$/gm;
  for (let match = pattern.exec(markdown); match; match = pattern.exec(markdown)) {
    blocks.push({ lang: match[1]!, code: match[2]!, line: markdown.slice(0, match.index).split('\n').length });
  }
  return blocks;
}

/** One thing to run, with the output lines the document promises. */
interface Step {
  readonly title: string;
  readonly run: (() => Promise<RunResult>) | undefined;
  readonly expected: readonly string[];
}

const scratch = scratchDir('docs');
const written: string[] = [];

function stepsOf(blocks: readonly Block[]): Step[] {
  const steps: Step[] = [];
  blocks.forEach((block, i) => {
    const next = blocks[i + 1];
    const expected = next?.lang === 'text' ? next.code.split('\n').filter((l) => l.trim() !== '') : [];
    if (block.lang === 'ts') {
      const header = /^\/\/ (file: )?([\w.-]+\.ts)\n/.exec(block.code);
      if (!header) throw new Error(`docs line ${block.line}: a ts block must start with "// name.ts" or "// file: name.ts"`);
      const path = join(scratch.dir, header[2]!);
      const run = header[1] ? undefined : () => runNode(['--import', 'tsx', path], { cwd: scratch.dir });
      steps.push({ title: `${header[2]} (line ${block.line})`, run: () => {
        writeFileSync(path, block.code.replaceAll("from 'devito-ts'", `from '${INDEX}'`));
        written.push(path);
        return run ? run() : Promise.resolve({ code: 0, stdout: '', stderr: '' });
      }, expected });
    } else if (block.lang === 'sh') {
      for (const command of block.code.split('\n').filter((l) => l.startsWith('npx devito-ts '))) {
        const args = command.slice('npx devito-ts '.length).split(/\s+/).filter(Boolean);
        steps.push({ title: `${command} (line ${block.line})`, run: () => runCli(args, { cwd: scratch.dir }), expected });
      }
    }
  });
  return steps;
}

/** A number as printed: sign, digits, decimals, exponent. */
const NUMBER = /(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)/;

/**
 * Whether an output line is the promised one: the same text, `…` matching anything, and every
 * number equal within a tolerance (one unit of its last printed digit, or 1%: float sums and
 * thresholds may differ a little between machines' vector code).
 */
function sameLine(actual: string, promised: string): boolean {
  let pattern = '';
  const numbers: string[] = [];
  for (const piece of promised.split(/(…)/).flatMap((part) => (part === '…' ? [part] : part.split(NUMBER)))) {
    if (piece === '…') pattern += '.*';
    else if (new RegExp(`^${NUMBER.source}$`).test(piece)) {
      pattern += NUMBER.source;
      numbers.push(piece);
    } else {
      pattern += piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  const match = new RegExp(`^${pattern}$`).exec(actual);
  if (!match) return false;
  return numbers.every((text, i) => {
    const decimals = /\.(\d+)/.exec(text)?.[1]?.length ?? 0;
    const want = Number(text);
    return Math.abs(Number(match[i + 1]) - want) <= Math.max(10 ** -decimals, 0.01 * Math.abs(want)) + 1e-12;
  });
}

/** The printed lines, compared one for one with the promised ones (no line more, none less). */
function expectOutput(stdout: string, promised: readonly string[]): void {
  const lines = stdout.split('\n').filter((line) => line.trim() !== '').map((line) => line.trim());
  const wanted = promised.map((line) => line.trim());
  const mismatched = wanted.length !== lines.length || wanted.some((line, i) => !sameLine(lines[i]!, line));
  if (mismatched) expect(lines).toEqual(wanted); // shows the difference
}

describe('docs/getting-started.md', () => {
  afterAll(() => scratch.remove());
  const steps = stepsOf(fencedBlocks(readFileSync(join(ROOT, 'docs/getting-started.md'), 'utf8')));

  it('has runnable blocks with promised output', () => {
    expect(steps.filter((s) => s.expected.length > 0).length).toBeGreaterThanOrEqual(4);
  });

  for (const step of steps) {
    it(step.title, async () => {
      const result = await step.run!();
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      if (step.expected.length > 0) expectOutput(result.stdout, step.expected);
    });
  }

  it('every TypeScript block type-checks in strict mode', () => {
    const program = ts.createProgram({
      rootNames: written,
      options: {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        strict: true,
        noEmit: true,
        allowImportingTsExtensions: true,
        skipLibCheck: true,
        types: ['node'],
      },
    });
    const diagnostics = written.flatMap((file) => {
      const source = program.getSourceFile(file)!;
      return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => {
        const { line } = source.getLineAndCharacterOfPosition(d.start ?? 0);
        return `${file.slice(scratch.dir.length + 1)}:${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
      });
    });
    expect(diagnostics).toEqual([]);
  });
});
