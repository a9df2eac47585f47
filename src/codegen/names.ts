import { isReservedName } from '../dsl/names.ts';
import type { Kernel, Parameter } from '../ir/types.ts';

/**
 * The C names of one kernel. The user's names (fields, sparse functions, Constants, the kernel
 * function) print as written. Every name the printer makes up (loop indices and dimension names,
 * temporaries, ring-buffer slots, `u_vec` and the other per-field names, macros, timers) goes
 * through {@link CNames.c}: it prints as is, unless a user's name takes it, then as
 * `<name>_<k>` with the least k ≥ 1 that is neither a user's name nor another name of the kernel
 * (generated ones included). The renaming depends only on the two sets of names, so the same
 * equations give the same C.
 *
 * The set of generated names is known only once the kernel is printed: {@link printWithNames}
 * prints once collecting them and, only when one clashes, prints again with the renaming.
 */
export class CNames {
  /** Names asked for while printing (the first print), or undefined once resolved. */
  private readonly asked: Set<string> | undefined;

  private constructor(
    readonly user: ReadonlySet<string>,
    private readonly renamed: ReadonlyMap<string, string>,
    collect: boolean,
  ) {
    this.asked = collect ? new Set() : undefined;
  }

  /** A registry that prints every generated name as is and records it. */
  static collecting(user: ReadonlySet<string>): CNames {
    return new CNames(user, new Map(), true);
  }

  /** The C spelling of a generated name. */
  c(name: string): string {
    this.asked?.add(name);
    return this.renamed.get(name) ?? name;
  }

  /** The generated names that a user's name takes, and what they print as instead; empty when none clash. */
  clashes(): ReadonlyMap<string, string> {
    if (!this.asked) throw new Error('internal: only a collecting CNames knows the generated names');
    const generated = this.asked;
    const renamed = new Map<string, string>();
    const taken = new Set([...this.user, ...generated]);
    for (const name of [...generated].filter((n) => this.user.has(n)).sort()) {
      let k = 1;
      while (taken.has(`${name}_${k}`) || isReservedName(`${name}_${k}`)) k++;
      renamed.set(name, `${name}_${k}`);
      taken.add(`${name}_${k}`);
    }
    return renamed;
  }

  /** The registry of the second print: clashing generated names renamed. */
  resolved(): CNames {
    return new CNames(this.user, this.clashes(), false);
  }
}

/** A scalar parameter the user named (a Constant); the others' names are generated. */
const isUserParameter = (param: Parameter): boolean => param.kind === 'scalar' && param.scalar.role === 'constant';

/** The user's names in `kernel`: its fields, sparse functions, Constants and its own name. */
export function userNames(kernel: Kernel): Set<string> {
  return new Set([
    kernel.name,
    ...kernel.fields.map((f) => f.name),
    ...kernel.sparses.map((s) => s.name),
    ...kernel.parameters.filter(isUserParameter).map((p) => p.name),
  ]);
}

/** The C spelling of a kernel parameter (Constants as named; every other parameter's name is generated). */
export function parameterCName(param: Parameter, names: CNames): string {
  return isUserParameter(param) ? param.name : names.c(param.name);
}

/**
 * Runs `print` with a registry of the kernel's names: once collecting the generated names, and
 * again with the clashing ones renamed if there are any (the usual kernel is printed once).
 */
export function printWithNames<T>(kernel: Kernel, print: (names: CNames) => T): T {
  const collecting = CNames.collecting(userNames(kernel));
  const first = print(collecting);
  if (collecting.clashes().size === 0) return first;
  return print(collecting.resolved());
}

/**
 * The C spelling of each kernel parameter, in order. `Parameter.name` is what the runtime API
 * calls it (`apply({ x0_blk0_size })`, the compile description); the C differs only when a user's
 * name took the generated one (a field named `u_vec` beside `u`): calls are positional.
 */
export function parameterCNames(kernel: Kernel, names: CNames): string[] {
  return kernel.parameters.map((p) => parameterCName(p, names));
}
