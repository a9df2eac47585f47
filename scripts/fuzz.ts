/**
 * `npm run fuzz`: differential fuzzing of devito-ts against the independent reference in
 * test/fuzz. Seeded and time-bounded; programs run in child processes, so a kernel that kills its
 * process is counted as a crash and named by seed instead of ending the run.
 *
 *   npm run fuzz -- --seed 1 --count 500 --seconds 600 --threads 1,2 --passes mixed --workers 2
 *   npm run fuzz -- --replay 1234          # one seed in this process: its repro script and outcome
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { generateProgram, type GenerateOptions } from '../test/fuzz/generate.ts';
import { programText } from '../test/fuzz/print.ts';
import { runSeed, type Outcome, type OutcomeKind } from '../test/fuzz/run.ts';
import type { FromWorker, ToWorker } from '../test/fuzz/worker.ts';

const program = new Command('fuzz')
  .option('--seed <n>', 'first seed (seeds run in order from it)', '1')
  .option('--count <n>', 'most programs to run', '1000000')
  .option('--seconds <s>', 'stop starting programs after this many seconds', '60')
  .option('--threads <list>', 'thread counts each program runs with', '1,2')
  .option('--passes <mode>', 'all | none | random | mixed (each program picks one)', 'mixed')
  .option('--workers <n>', 'child processes running programs in parallel', '2')
  .option('--batch <n>', 'seeds sent to a child at a time', '10')
  .option('--replay <seed>', 'run one seed here, print its repro script and outcome')
  .parse();
const opts = program.opts<Record<string, string | boolean | undefined>>();

process.env.DEVITO_TS_CACHE ??= fileURLToPath(new URL('../.cache/fuzz-kernels', import.meta.url));
const options: GenerateOptions = {
  passes: opts.passes as GenerateOptions['passes'],
  threads: String(opts.threads).split(',').map(Number),
};

const repro = (outcome: Outcome): string => programText(generateProgram(outcome.seed, options), outcome.nthreads ?? options.threads![0]!);

if (opts.replay !== undefined) {
  const seed = Number(opts.replay);
  console.log(programText(generateProgram(seed, options), options.threads![0]!));
  const outcome = runSeed(seed, options);
  console.log(`seed ${seed}: ${outcome.kind}${outcome.detail ? `\n${outcome.detail}` : ''}`);
  process.exit(outcome.kind === 'ok' || outcome.kind === 'skipped' ? 0 : 1);
}

const first = Number(opts.seed);
const count = Number(opts.count);
const deadline = Date.now() + Number(opts.seconds) * 1000;
const started = Date.now();
/** A seed running longer than this is counted as a crash (hang) and its child killed. */
const SEED_TIMEOUT_MS = 180_000;
/** Children replaced after dying; a child that cannot even start must not loop forever. */
let restarts = 0;
const MAX_RESTARTS = 200;
const queue: number[] = [];
let nextSeed = first;
const outcomes: Outcome[] = [];
const crashes: Outcome[] = [];

function takeBatch(): number[] {
  const size = Number(opts.batch);
  const batch = queue.splice(0, size);
  while (batch.length < size && nextSeed < first + count && Date.now() < deadline) batch.push(nextSeed++);
  return batch;
}

function startWorker(): Promise<void> {
  return new Promise((resolve) => {
    const child: ChildProcess = fork(fileURLToPath(new URL('../test/fuzz/worker.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'] });
    let pending: number[] = [];
    /** Set when this child was told to stop (no work left); any other exit is replaced. */
    let finished = false;
    let running: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => { clearTimeout(timer); timer = setTimeout(() => { hung = true; child.kill('SIGKILL'); }, SEED_TIMEOUT_MS); };
    let hung = false;
    child.on('message', (message: FromWorker) => {
      if (message.type === 'start') { running = message.seed; arm(); return; }
      if (message.type === 'result') {
        outcomes.push(message.outcome);
        pending = pending.filter((s) => s !== message.outcome.seed);
        running = undefined;
        clearTimeout(timer);
        return;
      }
      const batch = takeBatch();
      if (batch.length === 0) { finished = true; child.disconnect(); child.kill(); return; }
      pending = batch;
      child.send({ seeds: batch, options } satisfies ToWorker);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (running !== undefined) {
        const how = hung ? `no result after ${SEED_TIMEOUT_MS / 1000} s (killed)` : `child exited with ${signal ?? `code ${code}`}`;
        crashes.push({ seed: running, kind: 'ok', detail: how });
      }
      queue.push(...pending.filter((s) => s !== running));
      // A child that died (with or without a seed running) is replaced while work remains.
      resolve(finished || ++restarts > MAX_RESTARTS ? undefined : startWorker());
    });
  });
}

await Promise.all(Array.from({ length: Number(opts.workers) }, () => startWorker()));

const seconds = (Date.now() - started) / 1000;
const count_ = (kind: OutcomeKind): number => outcomes.filter((o) => o.kind === kind).length;
const failures = outcomes.filter((o) => o.kind === 'wrong' || o.kind === 'gcc' || o.kind === 'internal');
console.log(`fuzz: seeds ${first}… , ${seconds.toFixed(1)} s, ${(outcomes.length + crashes.length) / seconds > 0 ? ((outcomes.length + crashes.length) / seconds).toFixed(2) : 0} programs/s`);
console.log(`programs ${outcomes.length + crashes.length}  ok ${count_('ok')}  wrong ${count_('wrong')}  crashes ${crashes.length}  gcc errors ${count_('gcc')}  internal errors ${count_('internal')}  skipped (values too large) ${count_('skipped')}`);
console.log(`threads ${options.threads!.join(',')}; passes ${options.passes}; cache ${process.env.DEVITO_TS_CACHE}`);
const shown = [...crashes.map((c) => ({ ...c, label: 'crash' })), ...failures.map((f) => ({ ...f, label: f.kind }))];
for (const [i, f] of shown.entries()) {
  console.log(`\n--- ${f.label}: seed ${f.seed} (rerun: npm run fuzz -- --replay ${f.seed} --threads ${f.nthreads ?? options.threads![0]})`);
  console.log(f.detail);
  if (i < 5) console.log(repro(f));
}
process.exit(shown.length > 0 ? 1 : 0);
