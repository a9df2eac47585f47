import { MissingPackageError } from '../errors.ts';

/** True when `error` says that `name` itself (not something it imports) could not be found. */
function isMissing(error: unknown, name: string): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return code === 'ERR_MODULE_NOT_FOUND' && typeof message === 'string' && message.includes(`'${name}'`);
}

/**
 * Imports an optional peer dependency (ts-morph, tsx) that only some commands need, so that a
 * program importing devito-ts does not install them; when it is missing, a one-line error names
 * the package, what needs it and how to install it.
 */
export async function importOptional<T>(name: string, neededFor: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isMissing(error, name)) {
      throw new MissingPackageError(`${neededFor} needs the package ${name}, which is not installed: npm install --save-dev ${name}`);
    }
    throw error;
  }
}
