import { InvalidArgumentError } from '../errors.ts';
import { MAX_THREADS, warnThreadsOnce } from '../runtime/arguments.ts';

/** A flag's text → a positive integer, or a one-line user error naming the flag. */
export function positiveInteger(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError(`${flag} must be a positive integer, got ${text}`);
  return value;
}

/** A flag's text → a positive finite number, or a one-line user error naming the flag. */
export function positiveNumber(text: string, flag: string): number {
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value)) throw new InvalidArgumentError(`${flag} must be a positive number, got ${text}`);
  return value;
}

const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30 };

/** A size flag's text: "256MB", "1.5GiB", "800000" → bytes (MB = 10⁶, MiB = 2²⁰), or a one-line user error naming the flag. */
export function parseBytes(text: string, flag: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?\s*$/i.exec(text);
  const unit = match ? UNITS[(match[2] ?? '').toLowerCase()] : undefined;
  if (!match || unit === undefined) throw new InvalidArgumentError(`${flag}: cannot read "${text}"; write e.g. 256MB, 1GiB or a number of bytes`);
  return Math.floor(Number(match[1]) * unit);
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
