/**
 * Run by test/operator/mpi.test.ts under mpirun: decompositions that cannot work are refused on
 * every rank before any C runs; prints one JSON line per rank with the errors' classes and messages.
 */
import { Eq, Function, Grid, Inc, Operator, TimeFunction } from '../../../src/index.ts';
import { collectives } from '../../../src/dsl/parallel.ts';

const size = collectives().world().size;
const errors: { name: string; message: string }[] = [];
const attempt = (build: () => unknown): void => {
  try {
    build();
    errors.push({ name: 'none', message: '' });
  } catch (error) {
    errors.push({ name: (error as Error).constructor.name, message: (error as Error).message });
  }
};
// All ranks along x: 9 points leave the narrowest rank 9 / size points, fewer than so8's halo of 4.
attempt(() => {
  const grid = new Grid({ shape: [9, 30], topology: [size, 1] });
  const u = new TimeFunction({ name: 'u', grid, spaceOrder: 8 });
  return new Operator([new Eq(u.forward, u.add(u.laplace))]);
});
// A topology whose product is not the number of ranks.
attempt(() => new Grid({ shape: [40, 40], topology: [size + 1, 1] }));
// The same stencil on a grid wide enough is accepted.
attempt(() => {
  const grid = new Grid({ shape: [9 * size, 30], topology: [size, 1] });
  const u = new TimeFunction({ name: 'u', grid, spaceOrder: 8 });
  return new Operator([new Eq(u.forward, u.add(u.laplace))]);
});
// A sum over x into a field over y alone, on a grid split along x: each rank would sum its part.
attempt(() => {
  const grid = new Grid({ shape: [9 * size, 30], topology: [size, 1] });
  const f = new Function({ name: 'f', grid });
  const column = new Function({ name: 'column', grid, dimensions: [grid.dimensions[1]!] });
  return new Operator([new Inc(column, f)]);
});
console.log(JSON.stringify({ rank: collectives().world().rank, errors }));
