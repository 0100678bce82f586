/**
 * Assertions that stay on in production. A failed assertion is a programmer bug: the process
 * crashes with a fatal log line and recovers from persisted state on restart (TigerStyle).
 */
export class AssertionError extends Error {
  override readonly name = "AssertionError";
}

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function assertNever(value: never, message = "unexpected value"): never {
  throw new AssertionError(`${message}: ${JSON.stringify(value)}`);
}
