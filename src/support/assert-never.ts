// support: helpers shared by every layer; below them all, so it imports nothing from src.

/** Exhaustiveness check for a `switch` over a union: a call that type-checks is unreachable. */
export function assertNever(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value)}`);
}
