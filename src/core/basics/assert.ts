/**
 * Assertions that stay on in production. A failed assertion is a programmer bug: the process
 * crashes with a fatal log line and recovers from persisted state on restart (TigerStyle).
 */
export class AssertionError extends Error {
  /** Its code in src/errors.ts's catalogue (the core cannot import it). */
  static readonly CODE = "VIGIL_ASSERTION";
  override readonly name = "AssertionError";
  readonly code = AssertionError.CODE;
}

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function assertNever(value: never, message = "unexpected value"): never {
  const text = JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "bigint" ? v.toString() : v,
  );
  throw new AssertionError(`${message}: ${text}`);
}
