import { Command, CommanderError, Option } from 'commander';
import { DevitoError } from '../errors.ts';
import { runWaveDemo } from './demo.ts';
import { parseThreads } from './flags.ts';
import { clearCache, describeCache } from './cache.ts';
import { registerFwiGradient } from './fwi/command.ts';
import { registerFwi } from './fwi/inversion-command.ts';
import { importOptional } from './optional.ts';
import { registerSchedule } from './schedule.ts';

/** Runs the `devito-ts` command line; resolves to the process exit code (0 ok, 1 user error, 2 internal). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command();
  let verbose = false;
  // Commands that run a child process report its status through this.
  let exitCode = 0;
  program
    .name('devito-ts')
    .description('Symbolic finite-difference PDE solvers compiled to OpenMP C')
    .option('--verbose', 'print stack traces of errors')
    .addHelpText('after', [
      '',
      'Exit codes: 0 ok, 1 user error (a one-line message; --verbose adds the stack), 2 internal error.',
      '',
      'Examples:',
      '  devito-ts fwi --iterations 5',
      '  devito-ts fwi-gradient --memory 256MB',
      '  devito-ts schedule --steps 1000 --checkpoints 10 --png schedule.png',
      '  devito-ts demo --size 401 --steps 200',
      '  devito-ts compile heat.ts --out kernels',
      '  devito-ts bench --quick',
      '  devito-ts cache --clear',
      '  devito-ts help compile',
    ].join('\n'))
    .exitOverride()
    .hook('preAction', (command) => {
      verbose = Boolean(command.opts().verbose);
    });

  registerFwi(program);
  registerFwiGradient(program);
  registerSchedule(program);

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
        nthreads: parseThreads(opts.threads),
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

  program
    .command('compile')
    .description('compile the Operators a TypeScript file exports ahead of time: C, shared library, typed binding, manifest')
    .argument('<file>', 'a .ts file exporting Operators (or an array, an object or a function returning them)')
    .option('--out <dir>', 'output directory', 'kernels')
    .option('--name <op>', 'compile only the operator with this name')
    .addOption(new Option('--opt <level>', 'optimisation level: 0 no passes, 1 factorisation + hoisting + CSE, 2 adds OpenMP, 3 adds cache blocking, time tiling and the vector loops (default); applies to exported functions, which are called with { passes }').choices(['0', '1', '2', '3']))
    .option('--print', 'print the generated C to stdout and write nothing')
    .option('--no-typecheck', 'skip the type check of the file')
    .addHelpText('after', [
      '',
      'Writes <out>/<name>.c, <name>.so, <name>.ts (a typed koffi binding: import { apply } from',
      "'./<out>/<name>.ts') and <out>/manifest.json. The .so is built with -march=native: use it on",
      'machines like this one.',
      '',
      'Examples:',
      '  devito-ts compile heat.ts --out kernels',
      '  devito-ts compile model.ts --name forward --out build/kernels',
      '  devito-ts compile model.ts --print | less',
      '  devito-ts compile model.ts --opt 2   # model.ts exports (options) => new Operator(eqs, options)',
    ].join('\n'))
    .action(async (file: string, opts: { out: string; name?: string; opt?: string; print?: boolean; typecheck: boolean }) => {
      // ts-morph writes the typed binding and type-checks the file; only this command needs it.
      await importOptional('ts-morph', 'devito-ts compile (its typed binding and type check)', () => import('ts-morph'));
      const { runCompile } = await import('./compile.ts');
      await runCompile({
        file,
        out: opts.out,
        name: opts.name,
        opt: opts.opt === undefined ? undefined : Number(opts.opt),
        print: opts.print,
        typecheck: opts.typecheck,
        log: (line) => console.log(line),
      });
    });

  program
    .command('bench')
    .description('run a benchmark from bench/ (default: the 3D acoustic kernel against a STREAM bound)')
    .argument('[name]', 'benchmark script in bench/, without .ts', 'acoustic')
    .argument('[args...]', 'arguments passed to the script (after --)')
    .option('--quick', 'small problem (--size 64), a quick check that it runs')
    .addHelpText('after', '\nExamples:\n  devito-ts bench\n  devito-ts bench --quick\n  devito-ts bench acoustic -- --orders 8 --threads 2')
    .action(async (name: string, args: string[], opts: { quick?: boolean }) => {
      const { runBench } = await import('./bench.ts');
      // `devito-ts bench -- --orders 8`: everything after -- is for the default benchmark.
      const [script, passed] = name.startsWith('-') ? ['acoustic', [name, ...args]] : [name, args];
      exitCode = await runBench({ name: script, quick: Boolean(opts.quick), args: passed });
    });

  try {
    await program.parseAsync([...argv]);
    return exitCode;
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
