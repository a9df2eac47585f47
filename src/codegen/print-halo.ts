import { AccessExpr } from '../dsl/expr.ts';
import { allocatedExtent } from '../ir/types.ts';
import type { HaloExchange } from '../ir/tree.ts';
import { parameterCName } from './names.ts';
import { emit, type Printer } from './print-context.ts';

/** Messages one slot's exchange posts: a receive and a send per neighbour (3^d − 1 of them). */
const requestsPerSlot = (ndim: number): number => 2 * (3 ** ndim - 1);

/**
 * A halo exchange: `start` posts every slot's messages into one request array (declared there,
 * so its `wait` must follow in the same block), `wait` completes them, `both` does both.
 * Extents are read where the rest of the kernel reads them (constants with fixed strides, else
 * arguments), and the box from the loop bounds.
 */
export function printHaloExchange(printer: Printer, node: HaloExchange, depth: number): void {
  const n = (name: string): string => printer.names.c(name);
  printer.uses.mpi = true;
  const ndim = printer.kernel.grid.ndim;
  const [requests, count] = [n(`halo${node.id}_requests`), n(`halo${node.id}_count`)];
  if (node.phase !== 'wait') {
    emit(printer, depth, `MPI_Request ${requests}[${node.slots.length * requestsPerSlot(ndim)}];`);
    emit(printer, depth, `int ${count} = 0;`);
    node.slots.forEach((slot, i) => {
      const { field } = slot;
      // Fields keep their users' names in the C (the casts declare them so).
      const name = field.name;
      const base = field.isTimeFunction ? `${name}[${printer.expr.timeIndex(new AccessExpr(field, slot.timeOffset, field.dimensions.map(() => 0)))}]` : name;
      const sizes = field.dimensions.map((_, axis) => allocatedSize(printer, field, axis)).join(', ');
      const owned = field.dimensions.map((dim) => `${n(`${dim.name}_M`)} - ${n(`${dim.name}_m`)} + 1`).join(', ');
      const halo = field.halo.join(', ');
      const type = printer.real === 'float' ? 'MPI_FLOAT' : 'MPI_DOUBLE';
      emit(printer, depth, `${n('halo_start')}(MPI_Comm_f2c(${n('comm')}), ${n('neighbours')}, (void *) ${base}, ${type}, ${ndim}, (const int[]){${sizes}}, (const int[]){${owned}}, (const int[]){${halo}}, ${i * (3 ** ndim)}, ${requests}, &${count});`);
    });
  }
  if (node.phase !== 'start') emit(printer, depth, `MPI_Waitall(${count}, ${requests}, MPI_STATUSES_IGNORE);`);
}

/**
 * The allocated extent of a field's space axis, as the C knows it: the constant of fixed strides,
 * else the size argument, else (the outermost axis, which has none, and is never padded) the box
 * plus both halos. Read at run time, a 2D kernel's text is the same on ranks whose boxes differ
 * by a point, so they share one compiled library.
 */
function allocatedSize(printer: Printer, field: AccessExpr['field'], spaceAxis: number): string {
  const axis = spaceAxis + (field.isTimeFunction ? 1 : 0);
  const { kernel, names } = printer;
  const size = kernel.parameters.find((p) => p.kind === 'size' && p.field === field && p.axis === axis);
  if (kernel.fixedStrides || (size === undefined && field.dimensions.length === 1)) return String(allocatedExtent(field, axis));
  if (size !== undefined) return parameterCName(size, names);
  const dim = field.dimensions[spaceAxis]!.name;
  return `${names.c(`${dim}_M`)} - ${names.c(`${dim}_m`)} + ${1 + 2 * field.halo[spaceAxis]!}`;
}

/**
 * The C helper that posts one slot's exchange: for each of the 3^d − 1 neighbours (first axis
 * slowest, as the runtime lists them), a receive into the halo facing it and a send of the owned
 * points it needs, each a subarray of the slot (no packing by hand). A message to the neighbour in
 * direction k is tagged k; the one from it carries the tag of the opposite direction, 3^d − 2 − k.
 */
export function haloHelpers(names: { c(name: string): string }): string[] {
  const start = names.c('halo_start');
  return [
    '/* Posts the receives and sends that fill the halo of one field slot (sizes: allocated extents; owned: the rank\'s points; halo: per side). */',
    `static void ${start}(MPI_Comm comm_c, const int *neighbours, void *base, MPI_Datatype type, const int ndim, const int *sizes, const int *owned, const int *halo, const int tag, MPI_Request *requests, int *count)`,
    '{',
    '  const int directions = ndim == 1 ? 2 : ndim == 2 ? 8 : 26;',
    '  for (int k = 0; k < directions; k += 1)',
    '  {',
    '    if (neighbours[k] < 0) continue;',
    '    const int code = k < directions/2 ? k : k + 1;',
    '    int sub[3], send_at[3], recv_at[3];',
    '    for (int axis = 0, rest = code; axis < ndim; axis += 1)',
    '    {',
    '      int power = 1;',
    '      for (int a = axis + 1; a < ndim; a += 1) power *= 3;',
    '      const int offset = rest/power - 1;',
    '      rest %= power;',
    '      sub[axis] = offset == 0 ? owned[axis] : halo[axis];',
    '      send_at[axis] = offset <= 0 ? halo[axis] : owned[axis];',
    '      recv_at[axis] = offset < 0 ? 0 : offset == 0 ? halo[axis] : halo[axis] + owned[axis];',
    '    }',
    '    MPI_Datatype send_type, recv_type;',
    '    MPI_Type_create_subarray(ndim, sizes, sub, recv_at, MPI_ORDER_C, type, &recv_type);',
    '    MPI_Type_create_subarray(ndim, sizes, sub, send_at, MPI_ORDER_C, type, &send_type);',
    '    MPI_Type_commit(&recv_type);',
    '    MPI_Type_commit(&send_type);',
    '    MPI_Irecv(base, 1, recv_type, neighbours[k], tag + directions - 1 - k, comm_c, &requests[(*count)++]);',
    '    MPI_Isend(base, 1, send_type, neighbours[k], tag + k, comm_c, &requests[(*count)++]);',
    '    /* Freed types stay alive until the messages that use them complete. */',
    '    MPI_Type_free(&recv_type);',
    '    MPI_Type_free(&send_type);',
    '  }',
    '}',
  ];
}
