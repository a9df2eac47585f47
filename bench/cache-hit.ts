// Child process of bench/acoustic.ts: in a fresh Node process (no library loaded yet), builds
// the same Operator and times compile() against the warm cache: hash + stat + dlopen + bind.
// Prints one JSON line: { buildSeconds, compileSeconds, cacheHit, path }.
import { parseArgs } from 'node:util';
import { acousticOperator, acousticProblem } from './acoustic-op.ts';

const { values } = parseArgs({ options: { size: { type: 'string' }, so: { type: 'string' }, cache: { type: 'string' } } });
const size = Number(values.size);
const spaceOrder = Number(values.so);
if (!Number.isInteger(size) || !Number.isInteger(spaceOrder) || !values.cache) {
  throw new Error('usage: cache-hit.ts --size N --so K --cache DIR');
}
const problem = acousticProblem(size, spaceOrder);
const op = acousticOperator(problem, spaceOrder, values.cache);
const start = performance.now();
const library = op.compile();
const compileSeconds = (performance.now() - start) / 1000;
process.stdout.write(`${JSON.stringify({ buildSeconds: op.buildSeconds, compileSeconds, cacheHit: library.cacheHit, path: library.path })}\n`);
