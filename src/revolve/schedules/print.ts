import type { Action } from '../actions.ts';
import type { PredictedTime } from './cost.ts';
import type { LevelledSchedule } from './types.ts';

/**
 * `(action, slot levels, next action)` → one line of text. A restore that releases its slot and
 * is followed by the reverse step it feeds is marked `(data)`: a mixed schedule's dependency data.
 */
export function formatAction(action: Action, levels: readonly string[], next?: Action): string {
  switch (action.kind) {
    case 'advance':
      return `advance  ${action.from} -> ${action.to}`;
    case 'save':
      return `save     state ${action.step} -> slot ${action.slot} (${levels[action.slot]})`;
    case 'restore': {
      const data = action.release && next?.kind === 'reverse' && next.step === action.step - 1 ? ' (data)' : '';
      return `restore  state ${action.step} <- slot ${action.slot} (${levels[action.slot]})${action.release ? ', release' : ''}${data}`;
    }
    case 'discard':
      return `discard  state ${action.step} in slot ${action.slot}`;
    case 'reverse':
      return `reverse  step ${action.step}`;
    case 'terminate':
      return 'terminate';
  }
}

/** `schedule` → its actions, one numbered line each. */
export function printSchedule(schedule: LevelledSchedule): string {
  const { actions, slotLevels } = schedule;
  const width = String(actions.length - 1).length;
  return actions.map((a, i) => `${String(i).padStart(width)}  ${formatAction(a, slotLevels, actions[i + 1])}`).join('\n');
}

/** `(schedule, prediction)` → its totals, one fact per line. */
export function printTotals(schedule: LevelledSchedule, predicted: PredictedTime, unit: string): string {
  const s = schedule.summary;
  const sweep = schedule.firstReverse < 0 ? s.forwardSteps : forwardStepsBefore(schedule);
  const lines = [
    `schedule         ${schedule.name}`,
    `steps            ${s.nTimesteps}`,
    `forward steps    ${s.forwardSteps} (forward sweep ${sweep}, reverse sweep ${s.forwardSteps - sweep}; recompute factor ${s.recomputeFactor.toFixed(3)})`,
    `reverse steps    ${s.reverseSteps}`,
    `saves            ${s.saves} (memory ${schedule.memory.saves}, disk ${schedule.disk.saves})`,
    `restores         ${s.restores} (memory ${schedule.memory.restores}, disk ${schedule.disk.restores})`,
    `slots            ${schedule.slotLevels.length} (memory ${schedule.memory.slots}, disk ${schedule.disk.slots})`,
    `predicted time   ${predicted.totalMs.toFixed(1)} ${unit} (forward ${predicted.forwardMs.toFixed(1)}, reverse ${predicted.reverseMs.toFixed(1)}, storage ${predicted.storageMs.toFixed(1)})`,
  ];
  return lines.join('\n');
}

function forwardStepsBefore(schedule: LevelledSchedule): number {
  let steps = 0;
  for (let i = 0; i < schedule.firstReverse; i++) {
    const a = schedule.actions[i];
    if (a.kind === 'advance') steps += a.to - a.from;
  }
  return steps;
}
