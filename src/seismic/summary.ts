import { sectionsOf } from '../ir/visit.ts';
import type { Operator, PerformanceSummary } from '../operator.ts';

/** Summary of a modelling call: kernel time and throughput over all the operators it ran. */
export type ModellingSummary = PerformanceSummary;

/** Several kernel summaries → one: times add up; throughput counts the longest run's point updates. */
export function combine(summaries: readonly PerformanceSummary[]): PerformanceSummary {
  const elapsedSeconds = summaries.reduce((sum, s) => sum + s.elapsedSeconds, 0);
  const main = summaries.reduce((best, s) => (s.timesteps * s.points > best.timesteps * best.points ? s : best));
  const updates = main.points * main.timesteps;
  const flops = summaries.reduce((sum, s) => sum + s.gflopsPerSecond * s.elapsedSeconds, 0);
  // Spread the main run first so fields this function does not know keep that run's values.
  return {
    ...main,
    elapsedSeconds,
    gpointsPerSecond: elapsedSeconds > 0 ? updates / elapsedSeconds / 1e9 : 0,
    gflopsPerSecond: elapsedSeconds > 0 ? flops / elapsedSeconds : 0,
    timesteps: main.timesteps,
    points: main.points,
    nthreads: main.nthreads,
    sections: summaries.flatMap((s) => s.sections),
  };
}

/** What each timed section of an Operator does, in section order: `update u`, `inject src into u`, `interpolate rec`. */
export function sectionTitles(op: Operator): string[] {
  return sectionsOf(op.kernel).map((section) => section.title);
}

/** Runs `op` and names its sections `<operator>: <what the section does>`. */
export function applyLabelled(op: Operator, args: Parameters<Operator['apply']>[0]): PerformanceSummary {
  const summary = op.apply(args);
  const titles = sectionTitles(op);
  return { ...summary, sections: summary.sections.map((s, i) => ({ ...s, name: `${op.name}: ${titles[i] ?? s.name}` })) };
}
