/*
 * devito-ts: the MPI calls the runtime makes from TypeScript (src/runtime/mpi.ts), for OpenMPI
 * (Debian: openmpi-bin libopenmpi-dev) or any MPI with a Fortran handle per communicator.
 *
 * Communicators cross the FFI as MPI's Fortran integer handles (MPI_Comm_c2f / MPI_Comm_f2c): a
 * plain int, the same number generated kernels receive, whereas MPI_Comm is an opaque pointer in
 * OpenMPI and an int in MPICH. Functions return MPI_SUCCESS (0) or an MPI error code (positive,
 * see dts_mpi_error_string); those returning a handle, rank or size return -code on error.
 * Errors are returned, not fatal (MPI_ERRORS_RETURN on MPI_COMM_WORLD, inherited by splits), so
 * TypeScript can throw a typed error; the runtime then aborts the job at exit.
 */
#include <mpi.h>
#include <stdint.h>
#include <stdlib.h>

enum { DTS_MPI_FLOAT = 0, DTS_MPI_DOUBLE = 1, DTS_MPI_INT = 2 };
enum { DTS_MPI_SUM = 0, DTS_MPI_MIN = 1, DTS_MPI_MAX = 2 };

static MPI_Datatype dts_type(int type)
{
  switch (type) {
    case DTS_MPI_FLOAT: return MPI_FLOAT;
    case DTS_MPI_DOUBLE: return MPI_DOUBLE;
    case DTS_MPI_INT: return MPI_INT;
    default: return MPI_DATATYPE_NULL;
  }
}

int dts_mpi_initialized(void)
{
  int flag = 0;
  MPI_Initialized(&flag);
  return flag;
}

int dts_mpi_finalized(void)
{
  int flag = 0;
  MPI_Finalized(&flag);
  return flag;
}

/* Initialises MPI once; returns the thread level provided (>= 0) or -code. FUNNELED: only the
   main (JavaScript) thread calls MPI, while OpenMP threads run kernels between the calls. */
int dts_mpi_init(void)
{
  int provided = MPI_THREAD_SINGLE;
  if (dts_mpi_finalized()) return -MPI_ERR_OTHER;
  if (dts_mpi_initialized()) {
    MPI_Query_thread(&provided);
    return provided;
  }
  int code = MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
  if (code != MPI_SUCCESS) return -code;
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  return provided;
}

int dts_mpi_finalize(void)
{
  if (!dts_mpi_initialized() || dts_mpi_finalized()) return MPI_SUCCESS;
  return MPI_Finalize();
}

int dts_mpi_world(void)
{
  return (int)MPI_Comm_c2f(MPI_COMM_WORLD);
}

int dts_mpi_comm_rank(int comm)
{
  int rank = 0;
  int code = MPI_Comm_rank(MPI_Comm_f2c((MPI_Fint)comm), &rank);
  return code == MPI_SUCCESS ? rank : -code;
}

int dts_mpi_comm_size(int comm)
{
  int size = 0;
  int code = MPI_Comm_size(MPI_Comm_f2c((MPI_Fint)comm), &size);
  return code == MPI_SUCCESS ? size : -code;
}

/* The new communicator's Fortran handle, or -code. `color` must be >= 0 (never MPI_UNDEFINED). */
int dts_mpi_comm_split(int comm, int color, int key)
{
  MPI_Comm result = MPI_COMM_NULL;
  int code = MPI_Comm_split(MPI_Comm_f2c((MPI_Fint)comm), color, key, &result);
  if (code != MPI_SUCCESS) return -code;
  return (int)MPI_Comm_c2f(result);
}

/* counts[r] elements from every rank r, concatenated in rank order into recv on every rank.
   The caller checked that counts has one entry per rank and that the total fits in an int. */
int dts_mpi_allgatherv(int comm, int type, const void *send, int send_count, void *recv, const int *counts)
{
  MPI_Comm c = MPI_Comm_f2c((MPI_Fint)comm);
  MPI_Datatype datatype = dts_type(type);
  int size = 0;
  int code = MPI_Comm_size(c, &size);
  if (code != MPI_SUCCESS) return code;
  if (datatype == MPI_DATATYPE_NULL || size < 1) return MPI_ERR_ARG;
  int *displacements = malloc((size_t)size * sizeof(int));
  if (!displacements) return MPI_ERR_NO_MEM;
  int64_t offset = 0;
  for (int r = 0; r < size; r++) {
    displacements[r] = (int)offset;
    offset += counts[r];
  }
  code = MPI_Allgatherv(send, send_count, datatype, recv, counts, displacements, datatype, c);
  free(displacements);
  return code;
}

int dts_mpi_bcast(int comm, int type, void *buffer, int count, int root)
{
  MPI_Datatype datatype = dts_type(type);
  if (datatype == MPI_DATATYPE_NULL) return MPI_ERR_ARG;
  return MPI_Bcast(buffer, count, datatype, root, MPI_Comm_f2c((MPI_Fint)comm));
}

int dts_mpi_allreduce_double(int comm, int op, const double *send, double *recv, int count)
{
  MPI_Op operation = op == DTS_MPI_SUM ? MPI_SUM : op == DTS_MPI_MIN ? MPI_MIN : op == DTS_MPI_MAX ? MPI_MAX : MPI_OP_NULL;
  if (operation == MPI_OP_NULL) return MPI_ERR_OP;
  return MPI_Allreduce(send, recv, count, MPI_DOUBLE, operation, MPI_Comm_f2c((MPI_Fint)comm));
}

int dts_mpi_barrier(int comm)
{
  return MPI_Barrier(MPI_Comm_f2c((MPI_Fint)comm));
}

/* Ends every process of the job with `code` (MPI implementations kill them all). */
int dts_mpi_abort(int comm, int code)
{
  return MPI_Abort(MPI_Comm_f2c((MPI_Fint)comm), code);
}

/* MPI's text for an error code, NUL-terminated in `text` (capacity bytes). */
void dts_mpi_error_string(int code, char *text, int capacity)
{
  char message[MPI_MAX_ERROR_STRING];
  int length = 0;
  if (capacity < 1) return;
  if (MPI_Error_string(code, message, &length) != MPI_SUCCESS) length = 0;
  if (length > capacity - 1) length = capacity - 1;
  for (int i = 0; i < length; i++) text[i] = message[i];
  text[length] = '\0';
}
