import { Command, CommanderError } from 'commander';
import { DevitoError } from '../errors.ts';
import { runWaveDemo } from './demo.ts';
import { clearCache, describeCache } from './cache.ts';

/** Runs the `devito-ts` command line; resolves to the process exit code (0 ok, 1 user error, 2 internal). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command();
  let verbose = false;
  program
    .name('devito-ts')
    .description('Symbolic finite-difference PDE solvers compiled to OpenMP C')
    .option('--verbose', 'print stack traces of errors')
    .exitOverride()
    .hook('preAction', (command) => {
      verbose = Boolean(command.opts().verbose);
    });

  program
    .command('demo')
    .description('2D acoustic wave propagation in a layered medium; prints progress and performance')
    .option('--size <n>', 'grid points per axis', '1001')
    .option('--steps <n>', 'time steps', '1000')
    .option('--space-order <k>', 'even finite-difference order', '8')
    .option('--threads <n>', 'OpenMP threads (default: OMP_NUM_THREADS or all cores)')
    .addHelpText('after', '\nExamples:\n  devito-ts demo\n  devito-ts demo --size 401 --steps 500 --space-order 4 --threads 2')
    .action((opts: { size: string; steps: string; spaceOrder: string; threads?: string }) => {
      runWaveDemo({
        size: Number(opts.size),
        steps: Number(opts.steps),
        spaceOrder: Number(opts.spaceOrder),
        nthreads: opts.threads === undefined ? undefined : Number(opts.threads),
        log: (line) => console.log(line),
      });
    });

  program
    .command('cache')
    .description('show (or clear) the compiled-kernel cache')
    .option('--clear', 'delete every cached kernel')
    .addHelpText('after', '\nExamples:\n  devito-ts cache\n  DEVITO_TS_CACHE=/tmp/k devito-ts cache --clear')
    .action((opts: { clear?: boolean }) => {
      console.log(opts.clear ? clearCache() : describeCache());
    });

  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
    if (error instanceof DevitoError) {
      console.error(`devito-ts: ${error.message}`);
      if (verbose) console.error(error.stack);
      return 1;
    }
    console.error(`devito-ts: internal error: ${(error as Error).message}`);
    if (verbose) console.error((error as Error).stack);
    return 2;
  }
}
