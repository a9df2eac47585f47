/** `devito-ts`: the DSL, the Operator and the seismic solvers. */
export { Grid, type GridOptions } from './dsl/grid.ts';
export { Dimension } from './dsl/dimension.ts';
export { Function, TimeFunction, Constant, type FunctionOptions, type TimeFunctionOptions, type ConstantOptions } from './dsl/functions.ts';
export { FieldData } from './dsl/data.ts';
export { GlobalData } from './dsl/distributed-data.ts';
export { Distributor } from './dsl/distributor.ts';
export { collectives, MpiError, type Collectives, type Communicator, type CollectiveArray } from './dsl/parallel.ts';
export type { MpiMode } from './ir/types.ts';
export type { Staggering } from './dsl/staggered.ts';
export { VectorExpr, TensorExpr, type Componentwise, type ScalarLike } from './dsl/vector-expr.ts';
export { div, grad, curl, diag } from './dsl/vector-calculus.ts';
export {
  VectorFunction, VectorTimeFunction, TensorFunction, TensorTimeFunction,
  type VectorFunctionOptions, type VectorTimeFunctionOptions, type TensorFunctionOptions, type TensorTimeFunctionOptions,
} from './dsl/tensor.ts';
export type { Dtype, FloatArray } from './dsl/dtype.ts';
export { Eq, type EqOptions } from './dsl/eq.ts';
export { Inc } from './dsl/inc.ts';
export { SubDomain, SubDimension, type SubDomainOptions, type SubDimensionOptions, type Extent } from './dsl/subdomain.ts';
export {
  ConditionalDimension, Condition, gt, lt, ge, le, eq, and, or, type ConditionalDimensionOptions, type ComparisonOp,
} from './dsl/conditional.ts';
export {
  SparseFunction, SparseTimeFunction, Injection, Interpolation, type SparseFunctionOptions, type SparseTimeFunctionOptions, type SparseOperation, type AnySparseFunction,
} from './dsl/sparse.ts';
export { DEFAULT_SINC_RADIUS, type InterpolationKind, type SparseInterpolation } from './dsl/interpolation.ts';
export { norm, type WithData } from './dsl/norm.ts';
export { solve } from './dsl/solve.ts';
export { sqrt, sin, cos, exp, abs, add, mul, pow, type Expr, type ExprLike, type DiffOptions } from './dsl/expr.ts';
export { finiteDifferenceWeights } from './dsl/fd-weights.ts';
export { Operator, type OperatorOptions, type PerformanceSummary, type BoundOperator } from './operator.ts';
export type { PassOptions } from './passes/pipeline.ts';
export type { ApplyArgs } from './runtime/arguments.ts';
export type { FieldArgument } from './runtime/substitution.ts';
export type { KernelArgument, ArrayArgument } from './runtime/kernel-arguments.ts';
// The checkpointing contract; schedules, storages and codecs are in `devito-ts/revolve`, NumPy and
// PNG output in `devito-ts/io`.
export type { Checkpointable, Stepper } from './revolve/contracts.ts';
export { Revolver, type RevolverOptions, type RevolverStats, type RevolverPlan } from './revolve/revolver.ts';
export { Checkpoint, type CheckpointOptions } from './revolve/checkpoint.ts';
export { CheckpointOperator, type CheckpointOperatorOptions } from './revolve/checkpoint-operator.ts';
export { CompressionUnavailableError } from './revolve/storage/zfp-library.ts';
export * from './errors.ts';
export { SeismicModel, type SeismicModelOptions, type ModelOverride, type ModelParameter } from './seismic/model.ts';
export { AcquisitionGeometry, type AcquisitionGeometryOptions, type SourceType } from './seismic/geometry.ts';
export { ricker, gabor, type WaveletOptions } from './seismic/wavelets.ts';
export {
  AcousticWaveSolver, type AcousticWaveSolverOptions, type RunOptions, type ForwardOptions, type GradientOptions, type GradientStepping, type CheckpointingOptions, type GradientResult,
  type CheckpointedForwardOptions,
} from './seismic/acoustic-solver.ts';
export type { CheckpointedForward, CheckpointedGradient } from './seismic/checkpointed-run.ts';
export type { ModellingSummary } from './seismic/summary.ts';
export {
  TTIWaveSolver, type TTIWaveSolverOptions, type TTIForwardOptions, type TTIGradientOptions, type TTICheckpointedForwardOptions,
} from './seismic/tti-solver.ts';
export {
  ViscoacousticWaveSolver, type ViscoacousticWaveSolverOptions, type ViscoacousticRunOptions, type ViscoacousticForwardOptions,
  type ViscoacousticGradientOptions, type ViscoacousticGradientResult, type ViscoacousticCheckpointing, type ViscoacousticOperatorKey,
} from './seismic/viscoacoustic-solver.ts';
export { slsConstants, type SlsConstants } from './seismic/viscoacoustic-equations.ts';
export {
  ElasticWaveSolver, elasticStabilityLimit, type ElasticWaveSolverOptions, type ElasticForwardOptions, type ElasticForwardResult, type ElasticSource,
} from './seismic/elastic-solver.ts';
export {
  presets, saltBodyVelocity, gardnerDensity, empiricalQp, WATER_QP, SALT_MODEL,
  type PresetOptions, type PresetPhysics, type LayersOptions, type CircleOptions, type SaltBodyOptions, type VelocityRamp,
} from './seismic/presets.ts';
export {
  fwiObjective, FwiObjective, fwi, rtm, minimise, projectedGradientNorm, modelShots,
  waterMute, muteWeights, seaFloorDepth, compensateIllumination, sourceIllumination, wavefieldEnergy, laplacianFilter, IlluminationModelling,
  type FwiObjectiveOptions, type FwiObjectiveResult, type FwiOptions, type FwiResult, type FwiIteration, type RtmOptions, type RtmResult,
  type MinimiseOptions, type MinimiseResult, type OptimiserIteration, type OptimiserMethod, type StopReason, type ValueAndGradient,
  type MuteOptions, type IlluminationOptions, type Shot, type ModellingOptions,
} from './seismic/inversion/index.ts';
