import { describe, expect, it } from 'vitest';
import { importOptional } from '../../src/cli/optional.ts';
import { MissingPackageError } from '../../src/errors.ts';

/** The error Node's ESM loader throws for a package that is not installed. */
const notFound = (name: string): Error =>
  Object.assign(new Error(`Cannot find package '${name}' imported from /project/node_modules/devito-ts/dist/cli/x.js`), { code: 'ERR_MODULE_NOT_FOUND' });

describe('importOptional', () => {
  it('names the missing package, what needs it and how to install it', async () => {
    const attempt = importOptional('tsx', 'loading heat.ts', () => Promise.reject(notFound('tsx')));
    await expect(attempt).rejects.toThrow(MissingPackageError);
    await expect(attempt).rejects.toThrow('loading heat.ts needs the package tsx, which is not installed: npm install --save-dev tsx');
  });

  it('passes through a package missing inside the optional one, other failures, and the module itself', async () => {
    const inner = notFound('esbuild');
    await expect(importOptional('tsx', 'loading heat.ts', () => Promise.reject(inner))).rejects.toBe(inner);
    const broken = new SyntaxError('Unexpected token');
    await expect(importOptional('ts-morph', 'compile', () => Promise.reject(broken))).rejects.toBe(broken);
    const module = await importOptional('ts-morph', 'compile', () => import('ts-morph'));
    expect(typeof module.Project).toBe('function');
  });
});
