import cliProgress from 'cli-progress';

/** A progress bar for one sweep: time steps done, ETA and the achieved GPts/s. */
export interface SweepProgress {
  update(done: number): void;
  stop(): void;
}

/**
 * A bar on a terminal (cli-progress); on a pipe, one line at the end of the sweep, so logs and
 * CI output stay readable. `pointsPerStep` turns steps per second into GPts/s.
 */
export function sweepProgress(label: string, total: number, pointsPerStep: number, interactive: boolean, log: (line: string) => void): SweepProgress {
  const start = performance.now();
  const rate = (done: number): string => {
    const seconds = (performance.now() - start) / 1000;
    return seconds > 0 ? ((done * pointsPerStep) / seconds / 1e9).toFixed(2) : '0.00';
  };
  if (!interactive) {
    let last = 0;
    return {
      update: (done) => { last = done; },
      stop: () => log(`  ${label.padEnd(22)} ${last}/${total} steps in ${((performance.now() - start) / 1000).toFixed(2)} s, ${rate(last)} GPts/s`),
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: `  ${label.padEnd(22)} |{bar}| {value}/{total} steps | ETA {eta_formatted} | {gpts} GPts/s`, hideCursor: true, clearOnComplete: false, etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { gpts: '0.00' });
  return {
    update: (done) => bar.update(done, { gpts: rate(done) }),
    stop: () => bar.stop(),
  };
}

/** Progress of a pass over the shots (one objective evaluation, or the RTM): fed by each shot's checkpointed sweeps. */
export interface ShotPassProgress {
  /** `forward` for the forward sweep, `reverse` for the adjoint sweep; `done` of `total` steps. */
  sweep(phase: 'forward' | 'reverse', done: number, total: number): void;
  /** Ends the pass with a summary: the bar's last state on a terminal, else the pass's one line. */
  stop(summary: string): void;
}

/**
 * A bar over the shots of one pass. Each shot is a forward and an adjoint sweep, so the bar counts
 * sweep steps (it moves smoothly on few shots) and names the shot. On a pipe, one line when the
 * pass ends: the log then grows with the evaluations, not with shots × sweeps.
 */
export function shotPassProgress(label: string, shots: number, interactive: boolean, log: (line: string) => void): ShotPassProgress {
  const start = performance.now();
  let shot = 0;
  let bar: cliProgress.SingleBar | undefined;
  const line = (summary: string): string => `${summary}, ${((performance.now() - start) / 1000).toFixed(2)} s`;
  return {
    sweep: (phase, done, total) => {
      if (!interactive) return;
      if (!bar) {
        bar = new cliProgress.SingleBar(
          { format: `  ${label.padEnd(22)} |{bar}| {status}`, hideCursor: true, clearOnComplete: false, etaBuffer: 200 },
          cliProgress.Presets.shades_classic,
        );
        bar.start(shots * 2 * total, 0, { status: '' });
      }
      const value = (shot * 2 + (phase === 'reverse' ? 1 : 0)) * total + done;
      bar.update(value, { status: `shot ${Math.min(shot + 1, shots)}/${shots} ${phase === 'forward' ? 'forward' : 'adjoint'} | ETA ${etaText(start, value, shots * 2 * total)}` });
      if (phase === 'reverse' && done === total) shot++;
    },
    stop: (summary) => {
      if (!bar) {
        log(`  ${label.padEnd(22)} ${line(summary)}`);
        return;
      }
      bar.update(bar.getTotal(), { status: line(summary) });
      bar.stop();
    },
  };
}

/** Seconds left at the average rate so far (cli-progress's own ETA needs a steady update rate). */
function etaText(start: number, done: number, total: number): string {
  const elapsed = (performance.now() - start) / 1000;
  return done > 0 ? `${((elapsed * (total - done)) / done).toFixed(0)}s` : '…';
}
