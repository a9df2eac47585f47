import type { Command } from 'commander';
import { InvalidArgumentError } from '../../errors.ts';
import { parseBytes, parseThreads, positiveInteger, positiveNumber } from '../flags.ts';
import { runFwi } from './inversion-job.ts';

interface FwiFlags {
  nx: string; nz: string; shots: string; iterations: string; tn: string; f0: string; vmin: string; vmax: string;
  memory: string; smoothing: string; maxStep: string; out: string; spaceOrder: string; nbl: string; threads?: string; ranksPerShot: string; rtm: boolean; progress: boolean;
}

/** `--memory`: a positive number of bytes. */
function memoryBudget(text: string): number {
  const bytes = parseBytes(text, '--memory');
  if (bytes < 1) throw new InvalidArgumentError(`--memory must be a positive size (e.g. 16MB), got ${text}`);
  return bytes;
}

/**
 * Registers `fwi`: a few FWI iterations end to end on the built-in salt model. Its defaults are
 * chosen for about a minute on 2 cores (the README's main command); the flags mirror fwi-gradient's.
 */
export function registerFwi(program: Command): void {
  program
    .command('fwi')
    .description('full-waveform inversion end to end: observed shots on the salt model, RTM, a few projected L-BFGS iterations from a smooth salt-free model; writes PNG and .npy results')
    .option('--iterations <n>', 'L-BFGS iterations (accepted updates)', '5')
    .option('--shots <n>', 'number of shots spread over the surface', '6')
    .option('--nx <n>', 'built-in model: points along x (10 m spacing)', '200')
    .option('--nz <n>', 'built-in model: points in depth', '100')
    .option('--tn <ms>', 'recording time in ms', '1500')
    .option('--f0 <kHz>', 'Ricker peak frequency in kHz', '0.005')
    .option('--vmin <km/s>', 'lower velocity bound', '1.5')
    .option('--vmax <km/s>', 'upper velocity bound (also sets dt)', '4.5')
    .option('--smoothing <m>', 'starting model: the sediments (no salt) blurred by a Gaussian of this standard deviation, in m', '100')
    .option('--max-step <km/s>', 'largest velocity change of one update', '0.4')
    .option('--memory <bytes>', 'checkpoint memory budget per shot (e.g. 16MB, 1GiB)', '16MB')
    .option('--out <dir>', 'output directory', 'out/fwi')
    .option('--space-order <k>', 'finite-difference order', '8')
    .option('--nbl <n>', 'absorbing layer width in points', '20')
    .option('--threads <n>', 'OpenMP threads (default: OMP_NUM_THREADS or all cores)')
    .option('--ranks-per-shot <r>', 'under mpirun -np N: ranks that share one shot (its model split over them); N / r shots run at once; r must divide N', '1')
    .option('--no-rtm', 'skip the RTM image')
    .option('--no-progress', 'no progress bars (one line per pass over the shots instead)')
    .addHelpText('after', [
      '',
      'Models the observed data in the true salt model, then inverts from a smooth model without the',
      'salt (water exact, sediments blurred by --smoothing), RTM image included. Each',
      'gradient is checkpointed (Revolve under --memory), muted in the water and divided by the',
      'source illumination. Writes to --out: vp_true, vp_start, vp_iteration_<k>, gradient (the',
      'first one) and rtm as .png and .npy, misfit.png (misfit and model error per iteration) and',
      'summary.json (misfit, relative model error ‖vp − vp_true‖/‖vp_true‖ and times per iteration).',
      '',
      'Examples:',
      '  devito-ts fwi',
      '  devito-ts fwi --iterations 10 --shots 8 --out results',
      '  devito-ts fwi --nx 400 --nz 200 --memory 64MB --threads 2',
      '  mpirun -np 4 devito-ts fwi --ranks-per-shot 2',
      '',
      'Under mpirun the ranks form N / r shot groups of r ranks (r = --ranks-per-shot): shot s runs on',
      'group s mod (N / r), its model split over the group\'s ranks. Every pass over the shots (observed',
      'data, RTM, illumination, each objective evaluation) sums the shots in shot order, so images,',
      'gradients, models and misfits are bitwise those of one process; rank 0 alone logs and writes.',
    ].join('\n'))
    .action((flags: FwiFlags) => {
      const vmin = positiveNumber(flags.vmin, '--vmin');
      const vmax = positiveNumber(flags.vmax, '--vmax');
      if (!(vmin < vmax)) throw new InvalidArgumentError(`--vmin must be below --vmax, got ${vmin} and ${vmax}`);
      const nx = positiveInteger(flags.nx, '--nx');
      const nz = positiveInteger(flags.nz, '--nz');
      if (nx < 16 || nz < 16) throw new InvalidArgumentError(`--nx and --nz must be at least 16, got ${nx} × ${nz}`);
      const nthreads = parseThreads(flags.threads);
      runFwi({
        nx, nz,
        shots: positiveInteger(flags.shots, '--shots'),
        iterations: positiveInteger(flags.iterations, '--iterations'),
        tn: positiveNumber(flags.tn, '--tn'),
        f0: positiveNumber(flags.f0, '--f0'),
        bounds: [vmin, vmax],
        memoryBytes: memoryBudget(flags.memory),
        out: flags.out,
        spaceOrder: positiveInteger(flags.spaceOrder, '--space-order'),
        nbl: positiveInteger(flags.nbl, '--nbl'),
        rtm: flags.rtm,
        smoothing: positiveNumber(flags.smoothing, '--smoothing'),
        maxStep: positiveNumber(flags.maxStep, '--max-step'),
        ...(nthreads === undefined ? {} : { nthreads }),
        ranksPerShot: positiveInteger(flags.ranksPerShot, '--ranks-per-shot'),
        interactive: flags.progress && Boolean(process.stdout.isTTY),
        log: (line) => console.log(line),
      });
    });
}
