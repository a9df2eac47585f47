import type { Command } from 'commander';
import { InvalidArgumentError } from '../../errors.ts';
import { parseBytes, parseThreads, positiveInteger, positiveNumber } from '../flags.ts';
import { runFwiGradient } from './job.ts';

/** `--memory`: a positive number of bytes (0 would name the API's memoryBudgetBytes in its error). */
function memoryBudget(text: string): number {
  const bytes = parseBytes(text, '--memory');
  if (bytes < 1) throw new InvalidArgumentError(`--memory must be a positive size (e.g. 256MB), got ${text}`);
  return bytes;
}

/** What `--small` sets; a flag given explicitly wins over it. */
const SMALL: Readonly<Record<'nx' | 'nz' | 'shots' | 'tn' | 'f0' | 'nbl', string>> = { nx: '120', nz: '60', shots: '2', tn: '600', f0: '0.015', nbl: '20' };

interface FwiFlags {
  model?: string; nx: string; nz: string; shots: string; tn: string; f0: string; memory: string;
  storage: string; out: string; spaceOrder: string; nbl: string; threads?: string; ranksPerShot: string; small?: boolean; progress?: boolean;
}

/** Registers `fwi-gradient`, the project's main job. */
export function registerFwiGradient(program: Command): void {
  program
    .command('fwi-gradient')
    .description('FWI gradient of several shots on a 2D model under a checkpoint memory budget; writes PNG and .npy results')
    .option('--model <file>', 'velocity model in km/s: .npy [nx, nz], or raw float32 with a JSON header file.json {"shape":[nx,nz],"spacing":[dx,dz]}')
    .option('--nx <n>', 'built-in model: points along x (10 m spacing)', '600')
    .option('--nz <n>', 'built-in model: points in depth', '300')
    .option('--shots <n>', 'number of shots spread over the surface', '6')
    .option('--tn <ms>', 'recording time in ms', '2500')
    .option('--f0 <kHz>', 'Ricker peak frequency in kHz', '0.008')
    .option('--memory <bytes>', 'checkpoint memory budget per shot (e.g. 256MB, 1GiB); per rank when --ranks-per-shot splits the model', '256MB')
    .option('--storage <kind>', 'checkpoint storage: memory or disk (files under <out>/checkpoints)', 'memory')
    .option('--out <dir>', 'output directory', 'out/fwi-gradient')
    .option('--space-order <k>', 'finite-difference order', '8')
    .option('--nbl <n>', 'absorbing layer width in points', '40')
    .option('--threads <n>', 'OpenMP threads (default: OMP_NUM_THREADS or all cores)')
    .option('--ranks-per-shot <r>', 'under mpirun -np N: ranks that share one shot (its model split over them); N / r shots run at once; r must divide N', '1')
    .option('--small', 'a seconds-long run: 120 × 60 model, 2 shots, 600 ms (flags given explicitly override these)')
    .option('--no-progress', 'no progress bars (one line per sweep instead)')
    .addHelpText('after', [
      '',
      'Writes vp_true, vp_start, shot_record and gradient as .png and .npy, and summary.json.',
      '',
      'Examples:',
      '  devito-ts fwi-gradient',
      '  devito-ts fwi-gradient --memory 64MB --shots 4 --out results',
      '  devito-ts fwi-gradient --model marmousi.npy --memory 1GiB --storage disk',
      '  mpirun -np 4 devito-ts fwi-gradient --ranks-per-shot 2',
      '',
      'Under mpirun the ranks form N / r shot groups of r ranks (r = --ranks-per-shot): shot s runs on',
      'group s mod (N / r), its model split over the group\'s ranks. Gradient and objective are summed',
      'in shot order, bitwise those of one process; rank 0 alone logs and writes the outputs.',
    ].join('\n'))
    .action((flags: FwiFlags, command: Command) => {
      // --small replaces the defaults only: `--small --shots 4` runs the small job with 4 shots.
      const pick = (key: keyof typeof SMALL): string => (flags.small && command.getOptionValueSource(key) !== 'cli' ? SMALL[key] : flags[key]);
      const storage = flags.storage;
      if (storage !== 'memory' && storage !== 'disk') throw new InvalidArgumentError(`--storage must be memory or disk, got ${storage}`);
      const nthreads = parseThreads(flags.threads);
      runFwiGradient({
        ...(flags.model === undefined ? {} : { model: flags.model }),
        nx: positiveInteger(pick('nx'), '--nx'),
        nz: positiveInteger(pick('nz'), '--nz'),
        shots: positiveInteger(pick('shots'), '--shots'),
        tn: positiveNumber(pick('tn'), '--tn'),
        f0: positiveNumber(pick('f0'), '--f0'),
        memoryBytes: memoryBudget(flags.memory),
        storage,
        out: flags.out,
        spaceOrder: positiveInteger(flags.spaceOrder, '--space-order'),
        nbl: positiveInteger(pick('nbl'), '--nbl'),
        ...(nthreads === undefined ? {} : { nthreads }),
        ranksPerShot: positiveInteger(flags.ranksPerShot, '--ranks-per-shot'),
        interactive: flags.progress !== false && Boolean(process.stdout.isTTY),
        log: (line) => console.log(line),
      });
    });
}
