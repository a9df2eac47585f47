/**
 * The checks generated bindings end with, as TypeScript source by function name. They are copied
 * into each binding (not imported) so a binding depends on koffi and Node alone.
 */
const HELPERS: Readonly<Record<string, string>> = {
  fail: `
function fail(message: string): never {
  throw new RangeError(\`NAME.apply: \${message}\`);
}`,
  describe: `
function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  return typeof value === 'object' ? value.constructor.name : typeof value;
}`,
  checkBuffer: `
/** Typed array of the right element type and exact length, or an error naming both. */
function checkBuffer(name: string, value: unknown, type: Float32ArrayConstructor | Float64ArrayConstructor, length: number): void {
  if (!(value instanceof type)) fail(\`\${name} must be a \${type.name}, got \${describe(value)}\`);
  if (value.length !== length) fail(\`\${name} must have \${length} elements (its allocated shape), got \${value.length}\`);
}`,
  checkFixed: `
function checkFixed(name: string, value: number | undefined, expected: number): void {
  if (value !== undefined && value !== expected) fail(\`\${name} is fixed at \${expected} when compiled, got \${value}; recompile for another shape\`);
}`,
  integer: `
function integer(name: string, value: number | undefined, lowest: number, highest: number): number {
  if (value === undefined) fail(\`give \${name}\`);
  if (!Number.isInteger(value)) fail(\`\${name} must be an integer, got \${value}\`);
  if (value < lowest || value > highest) fail(\`\${name} must be in [\${lowest}, \${highest}], got \${value}\`);
  return value;
}`,
  finite: `
function finite(name: string, value: number | undefined): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(\`\${name} must be a finite number, got \${String(value)}\`);
  return value;
}`,
  positive: `
function positive(name: string, value: number | undefined): number {
  if (!(finite(name, value) > 0)) fail(\`\${name} must be positive, got \${value}\`);
  return value as number;
}`,
  checkPoints: `
/**
 * Every point inside the grid [origin, origin + spacing·(shape − 1)] along every axis. The upper
 * end gets a rounding allowance: C clamps points on the last grid line into the last cell.
 */
function checkPoints(name: string, coordinates: Float64Array, origin: readonly number[], spacing: readonly number[], shape: readonly number[]): void {
  const ndim = shape.length;
  for (let i = 0; i < coordinates.length; i++) {
    const axis = i % ndim;
    const lo = origin[axis]!;
    const hi = lo + spacing[axis]! * (shape[axis]! - 1);
    const allowance = 1e-9 * spacing[axis]!;
    const value = coordinates[i]!;
    if (!(value >= lo && value <= hi + allowance)) fail(\`\${name}: point \${Math.floor(i / ndim)} has coordinate \${value} on axis \${axis}, outside the grid [\${lo}, \${hi}]\`);
  }
}`,
  defaultThreads: `
function defaultThreads(): number {
  const fromEnv = Number(process.env.OMP_NUM_THREADS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : availableParallelism();
}`,
};

/**
 * Operator name and the binding's code → the helper functions that code calls (and theirs), in a
 * fixed order, so a binding carries no unused function.
 */
export function bindingHelpers(name: string, code: string): string {
  const needed = new Set<string>();
  const visit = (text: string): void => {
    for (const helper of Object.keys(HELPERS)) {
      if (!needed.has(helper) && new RegExp(`\\b${helper}\\(`).test(text)) {
        needed.add(helper);
        visit(HELPERS[helper]!);
      }
    }
  };
  visit(code);
  return Object.keys(HELPERS).filter((helper) => needed.has(helper)).map((helper) => HELPERS[helper]!.replaceAll('NAME', name)).join('\n\n');
}
