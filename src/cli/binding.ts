import { Project, QuoteKind, VariableDeclarationKind, type OptionalKind, type PropertySignatureStructure, type SourceFile } from 'ts-morph';
import type { FieldDescription, OperatorDescription, ParameterDescription, SparseDescription } from './compile-describe.ts';
import { DevitoError, KernelOutOfMemoryError } from '../errors.ts';
import { bindingHelpers } from './binding-helpers.ts';
import { nativeFlags } from '../jit/compiler.ts';
import { OUT_OF_MEMORY_MESSAGE, OUT_OF_MEMORY_STATUS } from '../codegen/print-sparse.ts';
import { packsParameters } from '../codegen/c-types.ts';

/** The binding's own error class for a kernel out of memory, named as devito-ts's (a binding imports only koffi and Node). */
const OUT_OF_MEMORY = KernelOutOfMemoryError.name;

/** `acoustic_fwd` → `AcousticFwd`: the prefix of the binding's type names. */
export function pascalCase(name: string): string {
  return name.split(/_+/).filter(Boolean).map((part) => part[0]!.toUpperCase() + part.slice(1)).join('') || 'Kernel';
}

const arrayType = (dtype: string): string => (dtype === 'float32' ? 'Float32Array' : 'Float64Array');
const list = (values: readonly number[]): string => `[${values.join(', ')}]`;
/** JSON text of a number is the shortest exact round trip, so compiled defaults stay bit-identical. */
const num = (value: number): string => JSON.stringify(value);

/** An object literal's key: an identifier bare, anything else quoted. */
const propertyKey = (key: string): string => (/^[A-Za-z_$][\w$]*$/.test(key) ? key : literal(key));

/** A JSON-like value as a TypeScript literal: identifier keys bare, strings single-quoted. */
export function literal(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof value === 'number') return num(value);
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, v]) => `${propertyKey(key)}: ${literal(v)}`);
    return `{ ${entries.join(', ')} }`;
  }
  return String(value);
}


function fieldDoc(field: FieldDescription, param: ParameterDescription): string {
  const axes = [...(field.kind === 'TimeFunction' ? ['time slot'] : []), ...['x', 'y', 'z'].slice(0, field.halo.length)];
  const lines = [
    `${field.kind} ${field.name} (${field.dtype}), C \`${param.name}\`: the whole allocation, row-major [${axes.join(', ')}], halo included.`,
    `Allocated shape ${list(field.allocatedShape)} = ${field.length} elements (checked); domain ${list(field.domainShape)}, halo ${list(field.halo)} points per side` +
      (field.padding > 0 ? `, then ${field.padding} padding points ending each innermost row (never read; rows are whole 64-byte vectors).` : '.'),
  ];
  if (field.save !== undefined) lines.push(`Time index t lives in slot t (${field.save} saved indices).`);
  else if (field.timeSlots !== undefined) lines.push(`Time index t lives in slot t mod ${field.timeSlots}.`);
  lines.push(field.written ? 'The kernel writes it in place.' : 'The kernel only reads it.');
  return lines.join('\n');
}

/** One property of the arguments interface per thing the caller may (or must) choose. */
function argumentProperties(desc: OperatorDescription): OptionalKind<PropertySignatureStructure>[] {
  const props: OptionalKind<PropertySignatureStructure>[] = [];
  const prop = (name: string, type: string, optional: boolean, doc: string): void => {
    props.push({ name, type, hasQuestionToken: optional, isReadonly: true, docs: [doc] });
  };
  const fieldByName = new Map(desc.fields.map((f) => [f.name, f]));
  const sparseByName = new Map(desc.sparses.map((s) => [s.name, s]));
  for (const param of desc.parameters) {
    const sparse = param.of === undefined ? undefined : sparseByName.get(param.of);
    switch (param.kind) {
      case 'field': {
        const field = fieldByName.get(param.of!)!;
        prop(field.name, arrayType(field.dtype), false, fieldDoc(field, param));
        break;
      }
      case 'sparseData':
        prop(sparse!.name, arrayType(sparse!.dtype), false,
          `Sparse points ${sparse!.name} (${sparse!.dtype}), C \`${param.name}\`: row-major [${sparse!.nt === null ? 'point' : 'time, point'}], shape ${list(sparse!.dataShape)} = ${(sparse!.nt ?? 1) * sparse!.npoint} elements (checked).`);
        break;
      case 'coordinates':
        prop(param.name, 'Float64Array', false,
          `Physical coordinates of ${sparse!.name}'s points, C \`${param.name}\`: row-major [point, axis], shape ${list(sparse!.coordinatesShape)} = ${sparse!.npoint * desc.grid.shape.length} elements; every point must lie inside the grid (checked).`);
        break;
      case 'size': {
        const field = fieldByName.get(param.of!)!;
        const axisName = [...(field.kind === 'TimeFunction' ? ['time'] : []), ...desc.grid.dimensions][param.axis!];
        prop(param.name, num(param.value!), true, `Allocated extent of ${field.name} along ${axisName} (axis ${param.axis}), halo included (C \`${param.name}\`); fixed when compiled.`);
        break;
      }
      case 'timeBound': {
        const isMin = param.name === 'time_m';
        const time = desc.time!;
        if (isMin) prop('timeMin', 'number', true, `First time index of the loop (C \`time_m\`), an integer >= ${time.lowest}; default ${time.timeMinDefault}.`);
        else if (time.highest === null) prop('timeMax', 'number', false, 'Last time index of the loop, inclusive (C `time_M`).');
        else prop('timeMax', 'number', true, `Last time index of the loop, inclusive (C \`time_M\`), at most ${time.highest}; default ${time.highest}.`);
        break;
      }
      case 'scalar':
        if (param.role === 'dt') prop('dt', 'number', false, 'Time step (C `dt`), positive.');
        else if (param.role === 'spacing') prop(param.name, 'number', true, `Grid spacing (C \`${param.name}\`), positive; default ${num(param.value!)}, the compiled grid's.`);
        else if (param.value === undefined) prop(param.name, 'number', false, `Constant ${param.name} (C \`${param.name}\`).`);
        else prop(param.name, 'number', true, `Constant ${param.name} (C \`${param.name}\`); default ${num(param.value)}, its value when compiled.`);
        break;
      case 'blockSize':
        prop(param.name, 'number', true, `${tileSizeText(param)} (C \`${param.name}\`), a positive integer; default ${param.value}. Results do not depend on it.`);
        break;
      case 'nthreads':
        prop('nthreads', 'number', true, 'OpenMP threads (C `nthreads`); default `OMP_NUM_THREADS`, else every core.');
        break;
      default: // spaceBound, origin, npoint, timers: fixed by the compiled grid, or owned by apply
        break;
    }
  }
  return props;
}

/** What a runtime tile size sets, for the binding's docs. */
function tileSizeText(param: ParameterDescription): string {
  if (param.role === 'timeTile') return 'Time steps per time tile (1: no time tiling)';
  if (param.role === 'wave') return `Planes along ${param.name[0]} per wave of a time tile`;
  return `Cache-block size along ${param.name[0]}`;
}

/** The value expression `apply` passes to C for each parameter, after its checks. */
function callValue(param: ParameterDescription, desc: OperatorDescription): string {
  switch (param.kind) {
    case 'field': case 'sparseData': return `args.${param.of}`;
    case 'coordinates': return `args.${param.name}`;
    case 'size': case 'spaceBound': case 'origin': case 'npoint': return num(param.value!);
    case 'timeBound': return param.name === 'time_m' ? 'timeMin' : 'timeMax';
    case 'scalar': return `scalars.${param.name}`;
    case 'blockSize': return `blocks.${param.name}`;
    case 'nthreads': return 'nthreads';
    case 'timers': return 'timers';
    default: throw new Error(`internal: ${desc.name} has a parameter of unknown kind ${param.kind}`);
  }
}

/** Statements of `apply`: check every argument, then call C once. */
function applyBody(desc: OperatorDescription, known: readonly string[]): string {
  const lines: string[] = [
    "if (typeof args !== 'object' || args === null) fail('pass an object of arguments');",
    `for (const key of Object.keys(args)) if (!known.has(key)) fail(\`unknown argument "\${key}"; ${desc.name} takes ${known.join(', ')}\`);`,
  ];
  const fieldByName = new Map(desc.fields.map((f) => [f.name, f]));
  const sparseByName = new Map<string, SparseDescription>(desc.sparses.map((s) => [s.name, s]));
  const scalars = desc.parameters.filter((p) => p.kind === 'scalar');
  for (const param of desc.parameters) {
    if (param.kind === 'field') {
      const field = fieldByName.get(param.of!)!;
      lines.push(`checkBuffer('${field.name}', args.${field.name}, ${arrayType(field.dtype)}, ${field.length});`);
    } else if (param.kind === 'sparseData') {
      const sparse = sparseByName.get(param.of!)!;
      lines.push(`checkBuffer('${sparse.name}', args.${sparse.name}, ${arrayType(sparse.dtype)}, ${(sparse.nt ?? 1) * sparse.npoint});`);
    } else if (param.kind === 'coordinates') {
      lines.push(`checkBuffer('${param.name}', args.${param.name}, Float64Array, ${sparseByName.get(param.of!)!.npoint * desc.grid.shape.length});`);
    } else if (param.kind === 'size') {
      lines.push(`checkFixed('${param.name}', args.${param.name}, ${param.value});`);
    }
  }
  if (desc.time) {
    const { time } = desc;
    lines.push(`const timeMin = integer('timeMin', args.timeMin ?? ${time.timeMinDefault}, ${time.lowest}, Infinity);`);
    lines.push(time.highest === null
      ? "const timeMax = integer('timeMax', args.timeMax, timeMin, Infinity);"
      : `const timeMax = integer('timeMax', args.timeMax ?? ${time.highest}, timeMin, ${time.highest});`);
  }
  // Scalars live in one object, so a Constant named like a local (`kernel`, `timers`) cannot clash.
  const scalarLines = scalars.map((param) => {
    if (param.role === 'dt') return "dt: positive('dt', args.dt),";
    if (param.role === 'spacing') return `${param.name}: positive('${param.name}', args.${param.name} ?? ${num(param.value!)}),`;
    return `${param.name}: finite('${param.name}', args.${param.name}${param.value === undefined ? '' : ` ?? ${num(param.value)}`}),`;
  });
  lines.push(`const scalars = {\n${scalarLines.join('\n')}\n};`);
  const spacingOf = (dim: string): string => (scalars.some((p) => p.name === `h_${dim}`) ? `scalars.h_${dim}` : num(desc.grid.spacing[desc.grid.dimensions.indexOf(dim)]!));
  for (const param of desc.parameters.filter((p) => p.kind === 'coordinates')) {
    // NOTE: C turns coordinates into indices without bounds checks; a point outside the grid writes out of bounds.
    const spacing = `[${desc.grid.dimensions.map(spacingOf).join(', ')}]`;
    lines.push(`checkPoints('${param.name}', args.${param.name}, ${list(desc.grid.origin)}, ${spacing}, ${list(desc.grid.shape)});`);
  }
  const blockSizes = desc.parameters.filter((p) => p.kind === 'blockSize');
  if (blockSizes.length > 0) {
    const entries = blockSizes.map((p) => `${p.name}: integer('${p.name}', args.${p.name} ?? ${p.value}, 1, Infinity),`);
    lines.push(`const blocks = {\n${entries.join('\n')}\n};`);
  }
  lines.push("const nthreads = integer('nthreads', args.nthreads ?? defaultThreads(), 1, Infinity);");
  lines.push(`const timers = new Float64Array(${Math.max(desc.sections.length, 1)});`);
  // A kernel with more parameters than koffi binds takes them in one struct (see `Arguments`).
  const call = packsParameters(desc.parameters.length)
    ? `{ ${desc.parameters.map((p) => `${propertyKey(p.name)}: ${callValue(p, desc)}`).join(', ')} }`
    : desc.parameters.map((p) => callValue(p, desc)).join(', ');
  lines.push(`const status = kernel(${call}) as number;`);
  lines.push(`if (status === ${OUT_OF_MEMORY_STATUS}) throw new ${OUT_OF_MEMORY}(${literal(`${desc.name}: ${OUT_OF_MEMORY_MESSAGE}`)});`);
  lines.push(`if (status !== 0) throw new Error(\`internal: ${desc.name}: the kernel returned status \${status}\`);`);
  const sections = desc.sections.map((s, i) => `${s.name}: timers[${i}]!`).join(', ');
  lines.push(`return { elapsedSeconds: timers.reduce((a, b) => a + b, 0), sections: { ${sections} } };`);
  return lines.join('\n');
}

function addDeclarations(file: SourceFile, desc: OperatorDescription, libraryFile: string): void {
  const prefix = pascalCase(desc.name);
  const constant = (name: string, value: string, doc: string): void => {
    file.addVariableStatement({ isExported: true, declarationKind: VariableDeclarationKind.Const, declarations: [{ name, initializer: value }], docs: [doc] });
  };
  constant('dtype', `'${desc.dtype}'`, `Element type of the kernel's field and sparse buffers (coordinates are always float64).`);
  constant('grid', `${literal(desc.grid)} as const`, 'Grid the kernel was compiled for: points per axis, physical extent, origin and spacing.');
  const fields = Object.fromEntries(desc.fields.map((f) => [f.name, {
    kind: f.kind, allocatedShape: f.allocatedShape, domainShape: f.domainShape, halo: f.halo, padding: f.padding, length: f.length,
    ...(f.timeSlots !== undefined ? { timeSlots: f.timeSlots } : {}), ...(f.save !== undefined ? { save: f.save } : {}),
  }]));
  constant('fields', `${literal(fields)} as const`, 'Layout of each field buffer: its whole allocation (halo included), row-major.');
  if (desc.sparses.length > 0) {
    const sparse = Object.fromEntries(desc.sparses.map((s) => [s.name, { npoint: s.npoint, nt: s.nt, dataShape: s.dataShape, coordinatesShape: s.coordinatesShape }]));
    constant('sparse', `${literal(sparse)} as const`, 'Sparse point sets: data is [nt, npoint], coordinates [npoint, ndim].');
  }
  const args = argumentProperties(desc);
  const names = args.map((a) => a.name);
  const clash = names.find((name, i) => names.indexOf(name) !== i);
  if (clash !== undefined) {
    throw new DevitoError(`${desc.name}: two arguments of the binding would both be named ${clash}; rename the field or Constant`);
  }
  file.addInterface({ name: `${prefix}Args`, isExported: true, properties: args, docs: [`Arguments of {@link apply}: buffers, time range, scalars and thread count of ${desc.name}.`] });
  file.addInterface({
    name: `${prefix}Timers`,
    isExported: true,
    docs: ['Seconds the kernel spent in each timed section (C timers), and their sum.'],
    properties: [
      { name: 'elapsedSeconds', type: 'number', isReadonly: true },
      {
        name: 'sections',
        isReadonly: true,
        type: `{\n${desc.sections.map((s) => `/** ${s.title} */\nreadonly ${s.name}: number;`).join('\n')}\n}`,
      },
    ],
  });
  file.addVariableStatement({
    declarationKind: VariableDeclarationKind.Const,
    declarations: [{ name: 'known', initializer: `new Set<string>(${literal(names)})` }],
  });
  file.addVariableStatement({
    declarationKind: VariableDeclarationKind.Const,
    declarations: [{ name: 'library', initializer: `koffi.load(fileURLToPath(new URL('./${libraryFile}', import.meta.url)))` }],
  });
  let types = desc.parameters.map((p) => `'${p.ffi}'`).join(', ');
  if (packsParameters(desc.parameters.length)) {
    file.addVariableStatement({
      declarationKind: VariableDeclarationKind.Const,
      declarations: [{ name: 'Arguments', initializer: `koffi.struct(${literal(Object.fromEntries(desc.parameters.map((p) => [p.name, p.ffi])))})` }],
      docs: [`The kernel's ${desc.parameters.length} parameters, more than koffi passes one by one: C takes them in one struct (\`struct ${desc.name}_arguments\`), these members in order.`],
    });
    types = 'koffi.pointer(Arguments)';
  }
  file.addVariableStatement({
    declarationKind: VariableDeclarationKind.Const,
    declarations: [{ name: 'kernel', initializer: `library.func('${desc.name}', 'int', [${types}])` }],
  });
  file.addClass({
    name: OUT_OF_MEMORY,
    isExported: true,
    extends: 'Error',
    docs: [`Thrown by {@link apply} when the kernel could not allocate its working memory (as devito-ts's ${OUT_OF_MEMORY}).`],
    ctors: [{ parameters: [{ name: 'message', type: 'string' }], statements: ['super(message);', `this.name = '${OUT_OF_MEMORY}';`] }],
  });
  file.addFunction({
    name: 'apply',
    isExported: true,
    parameters: [{ name: 'args', type: `${prefix}Args` }],
    returnType: `${prefix}Timers`,
    docs: [
      `Buffers and scalars → ${desc.name} run in place on the caller's buffers (no copies); returns its timers.\n` +
        'Every argument is checked before C runs, since the kernel itself does no bounds checks.',
    ],
    statements: applyBody(desc, names),
  });
}

/**
 * Operator description → the text of a standalone TypeScript module that loads the compiled
 * library `libraryFile` (next to the module) with koffi and exposes a typed, checked `apply`.
 */
export function generateBinding(desc: OperatorDescription, libraryFile: string, sourceLabel: string): string {
  const project = new Project({ useInMemoryFileSystem: true, manipulationSettings: { quoteKind: QuoteKind.Single } });
  const file = project.createSourceFile(`${desc.name}.ts`, '');
  file.addImportDeclarations([
    { defaultImport: 'koffi', moduleSpecifier: 'koffi' },
    { namedImports: ['availableParallelism'], moduleSpecifier: 'node:os' },
    { namedImports: ['fileURLToPath'], moduleSpecifier: 'node:url' },
  ]);
  addDeclarations(file, desc, libraryFile);
  file.addStatements(bindingHelpers(desc.name, file.getFullText()));
  file.formatText({ indentSize: 2, convertTabsToSpaces: true });
  const header = [
    `// ${desc.name}: typed binding of a devito-ts kernel, generated by \`devito-ts compile ${sourceLabel}\`.`,
    `// Do not edit; regenerate it. It loads ./${libraryFile} with koffi and needs neither the DSL nor gcc.`,
    `// C source hash ${desc.sourceSha256.slice(0, 16)}…, library cache key ${desc.hash}.`,
    ...(desc.compiler.target ? [`// Built for ${desc.compiler.target.cpu} (${nativeFlags(desc.compiler.flags).join(' ')} where it was compiled); other CPUs may lack its instructions.`] : []),
    '',
  ].join('\n');
  return header + file.getFullText();
}
