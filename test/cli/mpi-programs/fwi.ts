/**
 * Run by test/cli/fwi-mpi.test.ts under mpirun: the `fwi` job on a tiny model, its shots over groups
 * of --ranks-per-shot ranks. World rank 0 writes to `out` what the test compares with
 * one process. Arguments: out ranksPerShot.
 */
import { runFwi } from '../../../src/cli/fwi/inversion-job.ts';
import { TINY_FWI } from './tiny-job.ts';

const [out, ranksPerShot] = process.argv.slice(2);
if (out === undefined || ranksPerShot === undefined) throw new Error('usage: fwi.ts <out> <ranksPerShot>');
runFwi({ ...TINY_FWI, out, ranksPerShot: Number(ranksPerShot), log: (line) => console.log(line) });
