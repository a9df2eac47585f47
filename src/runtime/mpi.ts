import { spawnSync } from 'node:child_process';
import { readFileSync, writeSync } from 'node:fs';
import { inspect } from 'node:util';
import koffi from 'koffi';
import { CompilationError, ShapeError } from '../errors.ts';
import { compileShared, DEFAULT_FLAGS } from '../jit/compiler.ts';
import { MpiError, SELF, setCollectives, type CollectiveArray, type Collectives, type Communicator } from '../dsl/parallel.ts';

/**
 * MPI for the runtime: `templates/mpi-shim.c` compiled against the installed MPI and loaded with
 * koffi, lazily. Importing this module only installs the `Collectives` of the DSL layer; the shim
 * is compiled, loaded and MPI initialised on the first collective call made under `mpirun`.
 * Outside `mpirun` every collective works on the one-process communicator `SELF` without MPI.
 */

const SHIM_URL = new URL('../../templates/mpi-shim.c', import.meta.url);
const INSTALL_HINT = 'running under mpirun needs OpenMPI with its headers (Debian: apt-get install openmpi-bin libopenmpi-dev)';
/** Where Debian's libopenmpi-dev puts them, for a machine where `mpicc` is missing from PATH. */
const DEBIAN_COMPILE_FLAGS: readonly string[] = ['-I/usr/lib/x86_64-linux-gnu/openmpi/include', '-I/usr/lib/x86_64-linux-gnu/openmpi/include/openmpi'];
const DEBIAN_LINK_FLAGS: readonly string[] = ['-L/usr/lib/x86_64-linux-gnu/openmpi/lib', '-lmpi'];
/** MPI counts and displacements are C ints. */
const MAX_COUNT = 2 ** 31 - 1;

/** Element type codes and reduction codes of the shim. */
const TYPE_CODE = { float: 0, double: 1, int: 2 } as const;
const OP_CODE = { sum: 0, min: 1, max: 2 } as const;

/** The shim's functions; integer results are MPI error codes (or -code where a value is returned). */
interface MpiShim {
  initialized(): number;
  init(): number;
  finalize(): number;
  world(): number;
  rank(comm: number): number;
  size(comm: number): number;
  split(comm: number, color: number, key: number): number;
  allgatherv(comm: number, type: number, send: CollectiveArray, sendCount: number, recv: CollectiveArray, counts: Int32Array): number;
  bcast(comm: number, type: number, buffer: CollectiveArray, count: number, root: number): number;
  allreduce(comm: number, op: number, send: Float64Array, recv: Float64Array, count: number): number;
  barrier(comm: number): number;
  abort(comm: number, code: number): number;
  errorString(code: number, text: Uint8Array, capacity: number): void;
}

/** The program was started by OpenMPI's `mpirun` (which sets OMPI_COMM_WORLD_SIZE in every rank). */
export function underMpirun(): boolean {
  return process.env.OMPI_COMM_WORLD_SIZE !== undefined;
}

/** Words of `mpicc --showme:<what>` (the flags mpicc adds), or undefined when mpicc cannot say. */
function mpiccFlags(what: 'compile' | 'link'): string[] | undefined {
  const result = spawnSync('mpicc', [`--showme:${what}`], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  const words = result.stdout.trim().split(/\s+/).filter((word) => word.length > 0);
  return words.length > 0 ? words : undefined;
}

/**
 * Flags that build the shim against the installed MPI. --no-as-needed keeps libmpi a dependency
 * of the shim although `compileShared` names it before the source; the rpath finds a libmpi
 * outside the loader's default directories (the dynamic linker does not read -L).
 */
function shimFlags(): string[] {
  return [...DEFAULT_FLAGS, ...mpiCompilerFlags()];
}

let mpiFlags: readonly string[] | undefined;

/** The flags (after the usual ones) that compile and link C against the installed MPI: the shim's, and a split grid's kernels'. */
export function mpiCompilerFlags(): readonly string[] {
  if (mpiFlags) return mpiFlags;
  const compile = mpiccFlags('compile') ?? DEBIAN_COMPILE_FLAGS;
  const link = mpiccFlags('link') ?? DEBIAN_LINK_FLAGS;
  const rpaths = link.filter((flag) => flag.startsWith('-L')).map((flag) => `-Wl,-rpath,${flag.slice(2)}`);
  mpiFlags = Object.freeze([...compile, '-Wl,--no-as-needed', ...link, ...rpaths]);
  return mpiFlags;
}

let shim: MpiShim | undefined;

/** The shim, compiled (content-hash cache) and loaded once per process. */
function loadShim(): MpiShim {
  if (shim) return shim;
  let path: string;
  try {
    path = compileShared(readFileSync(SHIM_URL, 'utf8'), 'mpi-shim', { flags: shimFlags() }).path;
  } catch (error) {
    if (error instanceof CompilationError) throw new MpiError(`${INSTALL_HINT}; compiling the MPI shim failed:\n${error.message}`);
    throw error;
  }
  let library: ReturnType<typeof koffi.load>;
  try {
    // global: libmpi's symbols visible to what it dlopens later (its MCA components), as
    // RTLD_GLOBAL linking would give; OpenMPI 4 components link libmpi themselves, so this is
    // belt and braces for MPI builds whose plugins do not.
    library = koffi.load(path, { global: true });
  } catch (error) {
    // A cached shim outlives an uninstalled OpenMPI: the loader then cannot find libmpi.so.
    throw new MpiError(`${INSTALL_HINT}; loading ${path} failed: ${String(error)}`);
  }
  shim = {
    initialized: library.func('int dts_mpi_initialized(void)'),
    init: library.func('int dts_mpi_init(void)'),
    finalize: library.func('int dts_mpi_finalize(void)'),
    world: library.func('int dts_mpi_world(void)'),
    rank: library.func('int dts_mpi_comm_rank(int comm)'),
    size: library.func('int dts_mpi_comm_size(int comm)'),
    split: library.func('int dts_mpi_comm_split(int comm, int color, int key)'),
    allgatherv: library.func('dts_mpi_allgatherv', 'int', ['int', 'int', 'const void *', 'int', 'void *', 'const void *']),
    bcast: library.func('dts_mpi_bcast', 'int', ['int', 'int', 'void *', 'int', 'int']),
    allreduce: library.func('dts_mpi_allreduce_double', 'int', ['int', 'int', 'const void *', 'void *', 'int']),
    barrier: library.func('int dts_mpi_barrier(int comm)'),
    abort: library.func('int dts_mpi_abort(int comm, int code)'),
    errorString: library.func('dts_mpi_error_string', 'void', ['int', 'void *', 'int']),
  } as MpiShim;
  return shim;
}

/** Throws `MpiError` naming the call and MPI's text for `code` unless it is MPI_SUCCESS. */
function check(library: MpiShim, what: string, code: number): void {
  if (code === 0) return;
  const text = new Uint8Array(512);
  library.errorString(code, text, text.length);
  const end = text.indexOf(0);
  const message = Buffer.from(text.subarray(0, end < 0 ? text.length : end)).toString('utf8');
  throw new MpiError(`${what} failed with MPI error ${code}: ${message || 'unknown error'}`);
}

/** A value-or-negative-code result of the shim: the value, or `MpiError`. */
function checked(library: MpiShim, what: string, result: number): number {
  if (result < 0) check(library, what, -result);
  return result;
}

let world: Communicator | undefined;
let exitHookInstalled = false;

/**
 * Finalises MPI when the process exits with status 0 and aborts the whole job otherwise.
 * Node emits 'exit' for an uncaught exception *before* it prints the error, and MPI_Abort kills
 * this process at once, so the error would be lost: a monitor (which, unlike an
 * 'uncaughtException' listener, leaves Node's handling alone) keeps it to print first.
 */
function endMpiAtExit(library: MpiShim): void {
  let uncaught: unknown;
  let crashed = false;
  process.on('uncaughtExceptionMonitor', (error) => {
    uncaught = error;
    crashed = true;
  });
  process.on('exit', (code) => {
    if (code === 0) {
      library.finalize();
      return;
    }
    const rank = process.env.OMPI_COMM_WORLD_RANK ?? '?';
    if (crashed) writeSync(2, `Uncaught ${inspect(uncaught)}\n`);
    writeSync(2, `devito-ts: rank ${rank} exits with status ${code}; aborting the MPI job so the other ranks do not wait for it\n`);
    library.abort(library.world(), code);
  });
}

/**
 * Initialises MPI (once) when running under `mpirun`, and makes the process end MPI at exit:
 * MPI_Finalize after a normal exit, MPI_Abort after a non-zero one (an uncaught exception,
 * `process.exit(3)`), so the other ranks end with an error instead of waiting forever in a
 * collective this rank will not join. Returns the world communicator; `SELF` outside mpirun,
 * where nothing is loaded.
 */
export function initMpi(): Communicator {
  if (world) return world;
  if (!underMpirun()) return (world = SELF);
  const library = loadShim();
  if (!library.initialized()) checked(library, 'MPI_Init_thread', library.init());
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    endMpiAtExit(library);
  }
  const handle = library.world();
  world = Object.freeze({ rank: checked(library, 'MPI_Comm_rank', library.rank(handle)), size: checked(library, 'MPI_Comm_size', library.size(handle)), handle });
  return world;
}

/**
 * Ends every rank of the job with exit status `code`: MPI_Abort when MPI is running, otherwise
 * a plain exit (mpirun then ends the other ranks because this one exited non-zero).
 */
export function abortMpi(code: number): never {
  if (shim?.initialized()) shim.abort(shim.world(), code);
  process.exit(code);
}

/** The shim, for a communicator that lives in MPI (handle ≥ 0): MPI is running then. */
function shimFor(comm: Communicator): MpiShim {
  initMpi();
  if (!shim) throw new MpiError(`communicator ${comm.handle} belongs to MPI, but this process was not started by mpirun; ${INSTALL_HINT}`);
  return shim;
}

function typeCode(array: CollectiveArray): number {
  if (array instanceof Float32Array) return TYPE_CODE.float;
  if (array instanceof Float64Array) return TYPE_CODE.double;
  return TYPE_CODE.int;
}

/** A new zeroed array of `length` elements of the same kind as `array`. */
function arrayLike<T extends CollectiveArray>(array: T, length: number): T {
  if (array instanceof Float32Array) return new Float32Array(length) as T;
  if (array instanceof Float64Array) return new Float64Array(length) as T;
  return new Int32Array(length) as T;
}

function checkCount(what: string, count: number): void {
  if (!Number.isSafeInteger(count) || count < 0 || count > MAX_COUNT) {
    throw new ShapeError(`${what}: ${count} elements; MPI counts must be integers in [0, ${MAX_COUNT}]`);
  }
}

function checkRoot(comm: Communicator, root: number): void {
  if (!Number.isInteger(root) || root < 0 || root >= comm.size) throw new ShapeError(`broadcast root ${root} is not a rank of a communicator of ${comm.size}`);
}

/** The collectives over MPI; on `SELF` (handle −1) the one-process result, without MPI. */
export const mpiCollectives: Collectives = {
  world: initMpi,

  split(comm, color, key) {
    if (!Number.isInteger(color) || color < 0 || !Number.isInteger(key)) {
      throw new ShapeError(`split: color ${color} must be an integer >= 0 and key ${key} an integer`);
    }
    if (comm.handle < 0) return SELF;
    const library = shimFor(comm);
    const handle = checked(library, 'MPI_Comm_split', library.split(comm.handle, color, key));
    return Object.freeze({ rank: checked(library, 'MPI_Comm_rank', library.rank(handle)), size: checked(library, 'MPI_Comm_size', library.size(handle)), handle });
  },

  allgatherv(comm, send, counts) {
    if (counts.length !== comm.size) throw new ShapeError(`allgatherv: ${counts.length} counts for a communicator of ${comm.size} ranks; give one per rank`);
    counts.forEach((count, rank) => checkCount(`allgatherv count of rank ${rank}`, count));
    if (counts[comm.rank] !== send.length) {
      throw new ShapeError(`allgatherv: rank ${comm.rank} sends ${send.length} elements but its count says ${counts[comm.rank]}`);
    }
    const total = counts.reduce((sum, count) => sum + count, 0);
    checkCount('allgatherv total', total);
    const recv = arrayLike(send, total);
    if (comm.handle < 0) {
      recv.set(send);
      return recv;
    }
    const library = shimFor(comm);
    check(library, 'MPI_Allgatherv', library.allgatherv(comm.handle, typeCode(send), send, send.length, recv, Int32Array.from(counts)));
    return recv;
  },

  broadcast(comm, buffer, root) {
    checkRoot(comm, root);
    checkCount('broadcast', buffer.length);
    if (comm.handle < 0) return;
    const library = shimFor(comm);
    check(library, 'MPI_Bcast', library.bcast(comm.handle, typeCode(buffer), buffer, buffer.length, root));
  },

  allreduce(comm, values, op) {
    checkCount('allreduce', values.length);
    const code = OP_CODE[op];
    if (code === undefined) throw new ShapeError(`allreduce: unknown operation '${String(op)}'; use 'sum', 'min' or 'max'`);
    const result = new Float64Array(values.length);
    if (comm.handle < 0) {
      result.set(values);
      return result;
    }
    const library = shimFor(comm);
    check(library, 'MPI_Allreduce', library.allreduce(comm.handle, code, values, result, values.length));
    return result;
  },

  barrier(comm) {
    if (comm.handle < 0) return;
    const library = shimFor(comm);
    check(library, 'MPI_Barrier', library.barrier(comm.handle));
  },
};

// Installing is free: nothing is compiled, loaded or initialised until a collective is called.
setCollectives(mpiCollectives);
