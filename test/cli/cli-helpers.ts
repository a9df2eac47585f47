import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const INDEX = join(ROOT, 'src/index.ts');

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node <args>` in the repository root and collects its output. */
export function runNode(args: readonly string[], options: { cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args], { cwd: options.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Node arguments that run the CLI as a user would (`node bin/devito-ts.js`), on the TypeScript
 * sources instead of the build: the package's `devito-ts-source` condition points `#cli` at
 * src/cli/main.ts, which tsx loads. (test/package tests the built package.)
 */
export const CLI = ['--conditions=devito-ts-source', '--import', 'tsx', join(ROOT, 'bin/devito-ts.js')] as const;

/** Runs the CLI on the sources: `node bin/devito-ts.js <args>`. */
export const runCli = (args: readonly string[], options: { cwd?: string } = {}): Promise<RunResult> => runNode([...CLI, ...args], options);

/**
 * A fresh directory inside the checkout (generated bindings import koffi, which resolves from
 * the repository's node_modules), removed by the returned function.
 */
export function scratchDir(label: string): { dir: string; remove: () => void } {
  const dir = join(ROOT, '.cache', `${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
