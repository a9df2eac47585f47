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
