import type { Command } from 'commander';
import { InvalidArgumentError } from '../../errors.ts';
import { runFwiGradient } from './job.ts';

const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30 };

/** "256MB", "1.5GiB", "800000" → bytes (MB = 10⁶, MiB = 2²⁰). */
export function parseBytes(text: string, flag = '--memory'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?\s*$/i.exec(text);
  const unit = match ? UNITS[(match[2] ?? '').toLowerCase()] : undefined;
  if (!match || unit === undefined) throw new InvalidArgumentError(`${flag}: cannot read "${text}"; write e.g. 256MB, 1GiB or a number of bytes`);
  return Math.floor(Number(match[1]) * unit);
}

function positiveInteger(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError(`${flag} must be a positive integer, got ${text}`);
  return value;
}

function positiveNumber(text: string, flag: string): number {
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value)) throw new InvalidArgumentError(`${flag} must be a positive number, got ${text}`);
  return value;
}

interface FwiFlags {
  model?: string; nx: string; nz: string; shots: string; tn: string; f0: string; memory: string;
  storage: string; out: string; spaceOrder: string; nbl: string; threads?: string; small?: boolean; progress?: boolean;
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
    .option('--memory <bytes>', 'checkpoint memory budget (e.g. 256MB, 1GiB)', '256MB')
    .option('--storage <kind>', 'checkpoint storage: memory or disk (files under <out>/checkpoints)', 'memory')
    .option('--out <dir>', 'output directory', 'out/fwi-gradient')
    .option('--space-order <k>', 'finite-difference order', '8')
    .option('--nbl <n>', 'absorbing layer width in points', '40')
    .option('--threads <n>', 'OpenMP threads (default: OMP_NUM_THREADS or all cores)')
    .option('--small', 'a seconds-long run: 120 × 60 model, 2 shots, 600 ms')
    .option('--no-progress', 'no progress bars (one line per sweep instead)')
    .addHelpText('after', [
      '',
      'Writes vp_true, vp_start, shot_record and gradient as .png and .npy, and summary.json.',
      '',
      'Examples:',
      '  devito-ts fwi-gradient',
      '  devito-ts fwi-gradient --memory 64MB --shots 4 --out results',
      '  devito-ts fwi-gradient --model marmousi.npy --memory 1GiB --storage disk',
    ].join('\n'))
    .action((flags: FwiFlags) => {
      const small = Boolean(flags.small);
      const storage = flags.storage;
      if (storage !== 'memory' && storage !== 'disk') throw new InvalidArgumentError(`--storage must be memory or disk, got ${storage}`);
      runFwiGradient({
        ...(flags.model === undefined ? {} : { model: flags.model }),
        nx: small ? 120 : positiveInteger(flags.nx, '--nx'),
        nz: small ? 60 : positiveInteger(flags.nz, '--nz'),
        shots: small ? 2 : positiveInteger(flags.shots, '--shots'),
        tn: small ? 600 : positiveNumber(flags.tn, '--tn'),
        f0: small ? 0.015 : positiveNumber(flags.f0, '--f0'),
        memoryBytes: parseBytes(flags.memory),
        storage,
        out: flags.out,
        spaceOrder: positiveInteger(flags.spaceOrder, '--space-order'),
        nbl: small ? 20 : positiveInteger(flags.nbl, '--nbl'),
        ...(flags.threads === undefined ? {} : { nthreads: positiveInteger(flags.threads, '--threads') }),
        interactive: flags.progress !== false && Boolean(process.stdout.isTTY),
        log: (line) => console.log(line),
      });
    });
}
