/**
 * What every checkpointing schedule shares: its name, the storage level of each slot, and the
 * cost model that turns its action counts into a predicted time.
 */
import type { CompiledSchedule } from '../schedule.ts';

/** Where a slot lives: process memory, or files (`DiskStorage`). */
export type StorageLevel = 'memory' | 'disk';

/** The schedules the `Revolver` runs; see README, "Checkpointing schedules". */
export const SCHEDULE_NAMES = [
  'binomial',
  'none',
  'online',
  'mixed',
  'multistage',
  'hrevolve',
  'diskRevolve',
  'periodicDisk',
] as const;

export type ScheduleName = (typeof SCHEDULE_NAMES)[number];

/** Milliseconds to write (save) and read (restore) one state at a level. */
export interface LevelCost {
  readonly writeMs: number;
  readonly readMs: number;
  /**
   * Memory only: ms a step takes longer when it reads a state in place from its slot instead of
   * from the fields after a restore. Default `readMs`: either way the state's bytes come from
   * RAM (at 2D 680², one thread: 0.155 ms longer in place against a 0.16 ms copy), so reading in
   * place saves the copy's writes, not its reads.
   */
  readonly inPlaceReadMs?: number;
  /**
   * Ms of touching one state's worth of fresh memory for the first time (page faults, the
   * kernel zeroing pages; for disk, the page cache of a new file): paid once per slot by a new
   * storage, in its first run. Default 0.
   */
  readonly firstTouchMs?: number;
}

/** The cost of each kind of work, per step or per state copied. */
export interface CostModel {
  readonly forwardStepMs: number;
  readonly reverseStepMs: number;
  readonly memory: LevelCost;
  readonly disk: LevelCost;
}

/**
 * Uniform costs: a step costs 1 and copies cost nothing, so a schedule's predicted time is its
 * forward-step count plus `n` reverse steps.
 */
export const STEP_COUNT_COSTS: CostModel = Object.freeze({
  forwardStepMs: 1,
  reverseStepMs: 1,
  memory: Object.freeze({ writeMs: 0, readMs: 0 }),
  disk: Object.freeze({ writeMs: 0, readMs: 0 }),
});

/** The problem a schedule is built for. */
export interface ScheduleRequest {
  readonly nTimesteps: number;
  /** Memory slots, the initial state's included when it is kept in memory. */
  readonly memorySlots: number;
  /** Disk slots (0: no disk). `Infinity` means as many as useful. */
  readonly diskSlots: number;
  /** Weighs writes, reads and steps for the schedules that minimise time (default: step counts). */
  readonly costs?: CostModel;
}

/** Saves and restores at one level, and the slots it needs. */
export interface LevelTraffic {
  readonly saves: number;
  readonly restores: number;
  /** Slot numbers at this level (storage must hold this many). */
  readonly slots: number;
}

/** A schedule materialised, with the level of every slot it uses. */
export interface LevelledSchedule extends CompiledSchedule {
  readonly name: ScheduleName;
  /** `slotLevels[slot]`: where the slot lives; its length is the number of slots to open. */
  readonly slotLevels: readonly StorageLevel[];
  readonly memory: LevelTraffic;
  readonly disk: LevelTraffic;
}
