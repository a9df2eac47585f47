/**
 * Error classes of devito-ts. Every user mistake is reported as a subclass of `DevitoError`
 * before any generated C runs; messages say what to change.
 */
export class DevitoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A name that is not a valid C identifier, or is reserved. */
export class InvalidNameError extends DevitoError {}
/** Fields from different grids, or dimensions a field lacks. */
export class GridMismatchError extends DevitoError {}
/** Shapes, lengths or dtypes of user data that do not match. */
export class ShapeError extends DevitoError {}
/** Invalid options given to a constructor (orders, shapes, extents). */
export class InvalidArgumentError extends DevitoError {}
/** `solve` cannot isolate its target. */
export class SolveError extends DevitoError {}
/** Equations the compiler cannot lower (unsupported or inconsistent). */
export class LoweringError extends DevitoError {}
/** Arguments to `Operator.apply` that are missing or out of range. */
export class ApplyArgumentError extends DevitoError {}
/** The C compiler is missing or failed. */
export class CompilerNotFoundError extends DevitoError {}
export class CompilationError extends DevitoError {}
/** A compiled kernel library that cannot be loaded, even after rebuilding it. */
export class KernelLoadError extends DevitoError {}
/**
 * A compiled kernel could not allocate the working memory it needs (today: a time-tiled loop
 * ordering its receivers); free memory, or build the Operator without time tiling.
 */
export class KernelOutOfMemoryError extends DevitoError {}
/** Checkpointing: a stored checkpoint is missing or fails its checksum. */
export class CheckpointCorruptError extends DevitoError {}
/** Checkpointing: a memory budget or schedule request that cannot be met. */
export class CheckpointBudgetError extends DevitoError {}
/** An optional package a command needs (ts-morph for `compile`, a TypeScript loader) is not installed. */
export class MissingPackageError extends DevitoError {}
/** A solver needs a physical parameter (epsilon, qp, vs, …) the SeismicModel was built without. */
export class MissingParameterError extends DevitoError {}
/** Checkpointing: a two-phase gradient run (`forwardWithCheckpoints`) used after its `release()`. */
export class CheckpointReleasedError extends DevitoError {}
