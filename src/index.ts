export { Grid, type GridOptions } from './dsl/grid.ts';
export { Dimension } from './dsl/dimension.ts';
export { Function, TimeFunction, Constant, type FunctionOptions, type TimeFunctionOptions, type ConstantOptions } from './dsl/functions.ts';
export { FieldData } from './dsl/data.ts';
export type { Dtype, FloatArray } from './dsl/dtype.ts';
export { Eq } from './dsl/eq.ts';
export { SparseTimeFunction, Injection, Interpolation, type SparseTimeFunctionOptions, type SparseOperation } from './dsl/sparse.ts';
export { solve } from './dsl/solve.ts';
export { sqrt, sin, cos, exp, abs, add, mul, pow, type Expr, type ExprLike, type DiffOptions } from './dsl/expr.ts';
export { finiteDifferenceWeights } from './dsl/fd-weights.ts';
export { Operator, type OperatorOptions, type PerformanceSummary, type BoundOperator } from './operator.ts';
export type { PassOptions } from './passes/pipeline.ts';
export type { ApplyArgs } from './runtime/arguments.ts';
export * from './revolve/index.ts';
export { writeNpy, readNpy, encodeNpy, decodeNpy, NpyFormatError, type NpyArray } from './io/npy.ts';
export { writePng, renderImage, encodePng, type ImageOptions } from './io/png.ts';
export { writeFigure, renderFigure, type FigureOptions, type FigureAxis } from './io/figure.ts';
export * from './errors.ts';
export { SeismicModel, type SeismicModelOptions, type ModelOverride } from './seismic/model.ts';
export { AcquisitionGeometry, type AcquisitionGeometryOptions, type SourceType } from './seismic/geometry.ts';
export { ricker, gabor, type WaveletOptions } from './seismic/wavelets.ts';
export {
  AcousticWaveSolver, type AcousticWaveSolverOptions, type RunOptions, type ForwardOptions, type GradientOptions, type GradientStepping, type CheckpointingOptions, type GradientResult,
  type CheckpointedForwardOptions,
} from './seismic/acoustic-solver.ts';
export type { CheckpointedForward, CheckpointedGradient } from './seismic/checkpointed-run.ts';
export type { ModellingSummary } from './seismic/summary.ts';
