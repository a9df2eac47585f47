import { InvalidArgumentError } from '../errors.ts';
import { MAX_THREADS, warnThreadsOnce } from '../runtime/arguments.ts';

/** A flag's text → a positive integer, or a one-line user error naming the flag. */
export function positiveInteger(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError(`${flag} must be a positive integer, got ${text}`);
  return value;
}

/** A flag's text → a positive finite number, or a one-line user error naming the flag. */
export function positiveNumber(text: string, flag: string): number {
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value)) throw new InvalidArgumentError(`${flag} must be a positive number, got ${text}`);
  return value;
}

/**
 * `--threads` for every command, one rule: an integer from 1 to the most `apply` starts; more
 * than the cores prints a one-line warning on stderr (once; `apply` then stays quiet).
 */
export function parseThreads(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const nthreads = positiveInteger(text, '--threads');
  if (nthreads > MAX_THREADS) throw new InvalidArgumentError(`--threads must be at most ${MAX_THREADS}, got ${text}`);
  warnThreadsOnce(nthreads, (message) => console.error(`devito-ts: warning: ${message}`));
  return nthreads;
}
