/**
 * Run by test/cli/fwi-mpi.test.ts under mpirun: `runFwiGradient` on a tiny model, its shots over
 * the ranks in groups of `ranksPerShot`. World rank 0 writes gradient.npy and summary.json to
 * `out`, which the test compares with a one-process run of the same job (`TINY_JOB`).
 * Arguments: out ranksPerShot.
 */
import { runFwiGradient } from '../../../src/cli/fwi/job.ts';
import { TINY_JOB } from './tiny-job.ts';

const [out, ranksPerShot] = process.argv.slice(2);
if (out === undefined || ranksPerShot === undefined) throw new Error('usage: fwi-gradient.ts <out> <ranksPerShot>');
runFwiGradient({ ...TINY_JOB, out, ranksPerShot: Number(ranksPerShot), log: (line) => console.log(line) });
