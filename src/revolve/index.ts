/** Checkpointing for adjoints: schedules (binomial, online, mixed, multi-level), the Revolver that runs them, and storages. */
export type { Action, ActionKind, AdvanceAction, DiscardAction, RestoreAction, ReverseAction, SaveAction, TerminateAction } from './actions.ts';
export type { Checkpointable, InPlaceStepper, Stepper } from './contracts.ts';
export {
  binomialBeta,
  compileSchedule,
  predictForwardSteps,
  repetitionNumber,
  revolveSchedule,
  summarizeSchedule,
  type CompiledSchedule,
  type ScheduleSummary,
} from './schedule.ts';
export { checkpointsForBudget, planCheckpoints, type CheckpointPlan, type PlanRequest } from './budget.ts';
export {
  SCHEDULE_NAMES,
  STEP_COUNT_COSTS,
  type CostModel,
  type LevelCost,
  type LevelledSchedule,
  type LevelTraffic,
  type ScheduleName,
  type ScheduleRequest,
  type StorageLevel,
} from './schedules/types.ts';
export { buildSchedule, checkScheduleName, isScheduleName } from './schedules/registry.ts';
export { chooseSchedule, type Candidate, type Choice } from './schedules/choose.ts';
export { predictTime, type PredictedTime } from './schedules/cost.ts';
export { OnlinePlanner, onlineSchedule } from './schedules/online.ts';
export { periodicDiskSchedule } from './schedules/periodic-disk.ts';
export { measureCosts } from './measure.ts';
export {
  Revolver,
  type RevolverPlan,
  type ProgressCallback,
  type RevolverOptions,
  type RevolverPhase,
  type RevolverStats,
} from './revolver.ts';
export type { CheckpointStorage, CompressionCounters, SlotLayout, StorageCounters } from './storage/storage.ts';
export { MemoryStorage } from './storage/memory.ts';
export { DiskStorage, type DiskStorageOptions } from './storage/disk.ts';
export { TwoLevelStorage, type TwoLevelStorageOptions } from './storage/two-level.ts';
export { CompressedStorage, createCodec, type CodecName, type CompressionSpec } from './storage/compressed.ts';
export type { Codec, LossyError } from './storage/codec.ts';
export { ZfpCodec, type ZfpOptions, type ZfpSpec } from './storage/zfp.ts';
export { checkpointSegments, type ZfpSegment } from './storage/zfp-layout.ts';
export { CompressionUnavailableError, loadZfp } from './storage/zfp-library.ts';
export { createStorage, type StorageSpec } from './storage/create.ts';
export { Checkpoint, type CheckpointOptions } from './checkpoint.ts';
export { CheckpointOperator, type CheckpointOperatorOptions } from './checkpoint-operator.ts';
export { formatAction, printSchedule, printTotals } from './schedules/print.ts';
