// Executes docs/getting-started.md: every ```ts block is written to a file (its first line names
// it: `// heat.ts` is written and run, `// file: x.ts` only written), every `npx devito-ts` line
// of a ```sh block is run, and a ```text block after either lists lines its output must contain
// (`…` matches anything). All in one scratch directory, in document order, so the docs cannot rot.
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

const matcher = (line: string): RegExp => new RegExp(line.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*'));

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
      for (const line of step.expected) expect(result.stdout).toMatch(matcher(line.trim()));
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
