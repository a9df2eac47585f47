/** Checkpointing for adjoints: the binomial schedule, the Revolver that runs it, and storages. */
export type { Action, ActionKind, AdvanceAction, RestoreAction, ReverseAction, SaveAction, TerminateAction } from './actions.ts';
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
  Revolver,
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
