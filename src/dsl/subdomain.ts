import { InvalidArgumentError } from '../errors.ts';
import { SPACE_DIMENSION_NAMES, type Dimension } from './dimension.ts';
import { validateName } from './names.ts';
import { checkOptionKeys, optionKeys } from './options.ts';

/**
 * Where a subdomain lies along one dimension (Devito's `define` tuples): `['middle', left, right]`
 * leaves out `left` points at the start and `right` at the end; `['left', thickness]` is the first
 * `thickness` points, `['right', thickness]` the last.
 */
export type Extent =
  | readonly ['middle', number, number]
  | readonly ['left', number]
  | readonly ['right', number];

/** The points `lower … upper` (inclusive) an extent covers along a dimension of `n` points. */
export interface ExtentRange {
  readonly lower: number;
  readonly upper: number;
}

function checkCount(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new InvalidArgumentError(`${what} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

/** An extent, checked for its form (not yet against a grid); `what` names it in errors. */
function checkExtent(extent: unknown, what: string): Extent {
  if (!Array.isArray(extent)) throw new InvalidArgumentError(`${what}: give ['middle', left, right], ['left', thickness] or ['right', thickness], got ${String(extent)}`);
  const [side, a, b] = extent as unknown[];
  if (side === 'middle' && extent.length === 3) return ['middle', checkCount(a, `${what}: left`), checkCount(b, `${what}: right`)];
  if ((side === 'left' || side === 'right') && extent.length === 2) {
    const thickness = checkCount(a, `${what}: thickness`);
    if (thickness === 0) throw new InvalidArgumentError(`${what}: thickness must be at least 1, got 0`);
    return [side, thickness];
  }
  throw new InvalidArgumentError(`${what}: give ['middle', left, right], ['left', thickness] or ['right', thickness], got ${JSON.stringify(extent)}`);
}

/**
 * The points of `extent` along a dimension of `n` points, or a thrown `InvalidArgumentError` when
 * they do not fit (a thickness beyond the grid, a middle that leaves no point).
 */
function extentRange(extent: Extent, n: number, what: string): ExtentRange {
  switch (extent[0]) {
    case 'left': case 'right': {
      const thickness = extent[1];
      if (thickness > n) throw new InvalidArgumentError(`${what}: thickness ${thickness} is more than the ${n} points of the grid; use 1 … ${n}`);
      return extent[0] === 'left' ? { lower: 0, upper: thickness - 1 } : { lower: n - thickness, upper: n - 1 };
    }
    case 'middle': {
      const [, left, right] = extent;
      if (left + right > n - 1) throw new InvalidArgumentError(`${what}: middle ${left}, ${right} leaves no point of the ${n}; use left + right <= ${n - 1}`);
      return { lower: left, upper: n - 1 - right };
    }
  }
}

export interface SubDimensionOptions {
  name: string;
  parent: Dimension;
}

/**
 * A strip of a space dimension (Devito's SubDimension): the first or last `thickness` points of
 * its parent, or the middle without `left` and `right` points. Equations use it through a
 * {@link SubDomain} built from sub-dimensions: `new SubDomain({ name, dimensions: [xl] })`.
 */
export class SubDimension {
  readonly name: string;
  readonly parent: Dimension;
  readonly extent: Extent;

  private constructor(options: SubDimensionOptions, extent: Extent) {
    this.name = validateName(options?.name, 'SubDimension');
    if (options.parent === undefined || options.parent === null || typeof options.parent !== 'object' || options.parent.isTime !== false) {
      throw new InvalidArgumentError(`SubDimension ${this.name}: parent must be a space dimension of a grid (grid.dimensions[i]), got ${String(options.parent)}`);
    }
    this.parent = options.parent;
    this.extent = checkExtent(extent, `SubDimension ${this.name}`);
    Object.freeze(this);
  }

  /** The first `thickness` points of `parent`. */
  static left(options: SubDimensionOptions & { thickness: number }): SubDimension {
    return new SubDimension(options, ['left', options.thickness]);
  }

  /** The last `thickness` points of `parent`. */
  static right(options: SubDimensionOptions & { thickness: number }): SubDimension {
    return new SubDimension(options, ['right', options.thickness]);
  }

  /** `parent` without its first `left` and last `right` points. */
  static middle(options: SubDimensionOptions & { left: number; right: number }): SubDimension {
    return new SubDimension(options, ['middle', options.left, options.right]);
  }
}

export interface SubDomainOptions {
  name: string;
  /** Where the subdomain lies along each named dimension; dimensions left out span the grid. */
  extents?: Readonly<Record<string, Extent>>;
  /** Or: sub-dimensions of a grid's dimensions (each dimension at most once). */
  dimensions?: readonly SubDimension[];
}

const SUBDOMAIN_KEYS = optionKeys<SubDomainOptions>({ name: true, extents: true, dimensions: true });

/**
 * A box of a grid's points that equations can be restricted to (`new Eq(lhs, rhs, { subdomain })`).
 * Given by `extents` it is a description a grid takes on (`new Grid({ subdomains })`, like
 * Devito's `SubDomain.define`); given by sub-dimensions it belongs to their parents' grid.
 */
export class SubDomain {
  readonly name: string;
  /** Extents by dimension name; dimensions not listed span the grid. */
  readonly extents: Readonly<Record<string, Extent>>;
  /** The sub-dimensions it was built from (empty for one given by extents). */
  readonly dimensions: readonly SubDimension[];

  constructor(options: SubDomainOptions) {
    checkOptionKeys('SubDomain', options, SUBDOMAIN_KEYS);
    this.name = validateName(options.name, 'SubDomain');
    const { extents, dimensions } = options;
    if ((extents === undefined) === (dimensions === undefined)) {
      throw new InvalidArgumentError(`SubDomain ${this.name}: give either extents ({ x: ['middle', 1, 1], … }) or dimensions (SubDimensions), not ${extents ? 'both' : 'neither'}`);
    }
    const checked: Record<string, Extent> = {};
    if (extents !== undefined) {
      if (extents === null || typeof extents !== 'object') throw new InvalidArgumentError(`SubDomain ${this.name}: extents must map dimension names to extents`);
      for (const [dim, extent] of Object.entries(extents)) {
        if (!(SPACE_DIMENSION_NAMES as readonly string[]).includes(dim)) throw new InvalidArgumentError(`SubDomain ${this.name}: unknown dimension "${dim}" in extents; use x, y or z`);
        checked[dim] = checkExtent(extent, `SubDomain ${this.name}, ${dim}`);
      }
      this.dimensions = Object.freeze([]);
    } else {
      if (!Array.isArray(dimensions) || dimensions.some((d) => !(d instanceof SubDimension))) {
        throw new InvalidArgumentError(`SubDomain ${this.name}: dimensions must be SubDimensions (SubDimension.left/right/middle)`);
      }
      for (const sub of dimensions) {
        if (checked[sub.parent.name]) throw new InvalidArgumentError(`SubDomain ${this.name}: two sub-dimensions of ${sub.parent.name}; give each dimension at most one`);
        checked[sub.parent.name] = sub.extent;
      }
      this.dimensions = Object.freeze([...dimensions]);
    }
    this.extents = Object.freeze(checked);
    Object.freeze(this);
  }

  /** The points it covers along each of the grid's `shape` axes (`names` are the grid's dimension names); throws when an extent does not fit. */
  ranges(shape: readonly number[], names: readonly string[]): ExtentRange[] {
    for (const dim of Object.keys(this.extents)) {
      if (!names.includes(dim)) throw new InvalidArgumentError(`SubDomain ${this.name}: the grid has no dimension ${dim} (it has ${names.join(', ')})`);
    }
    return shape.map((n, axis) => {
      const extent = this.extents[names[axis]!];
      return extent === undefined ? { lower: 0, upper: n - 1 } : extentRange(extent, n, `SubDomain ${this.name}, ${names[axis]}`);
    });
  }
}
