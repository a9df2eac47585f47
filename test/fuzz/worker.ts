/**
 * Child process of `npm run fuzz`: runs the seeds it is sent, one message per seed before and
 * after, so the parent can name the seed that was running when a crash killed this process.
 */
import type { GenerateOptions } from './generate.ts';
import { runSeed, type Outcome } from './run.ts';

export type ToWorker = { readonly seeds: readonly number[]; readonly options: GenerateOptions };
export type FromWorker =
  | { readonly type: 'start'; readonly seed: number }
  | { readonly type: 'result'; readonly outcome: Outcome }
  | { readonly type: 'idle' };

const send = (message: FromWorker): void => { process.send!(message); };

process.on('message', (message: ToWorker) => {
  for (const seed of message.seeds) {
    send({ type: 'start', seed });
    send({ type: 'result', outcome: runSeed(seed, message.options) });
  }
  send({ type: 'idle' });
});
send({ type: 'idle' });
