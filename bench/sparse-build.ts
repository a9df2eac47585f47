// Child process of bench/acoustic.ts: in a fresh Node process (cold JIT), builds the so8 forward
// operator with source and receivers (sparseForwardOperator) and reports new Operator()'s time:
// lowering + passes + C printing, no gcc. Prints one JSON line: { buildSeconds, sha256 } (of the C).
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { sparseForwardOperator } from './acoustic-op.ts';

const { values } = parseArgs({ options: { size: { type: 'string' } } });
const size = Number(values.size);
if (!Number.isInteger(size)) throw new Error('usage: sparse-build.ts --size N');
const op = sparseForwardOperator(size);
const sha256 = createHash('sha256').update(op.ccode).digest('hex');
process.stdout.write(`${JSON.stringify({ buildSeconds: op.buildSeconds, sha256 })}\n`);
