// Polls a named predicate until it holds or a deadline passes. The error names what was awaited
// and the last value or error seen, so a failing e2e test says what never happened.

export interface WaitOptions {
  /** Give up after this many milliseconds (default 10 000). */
  timeoutMs?: number;
  /** Pause between two polls (default 50 ms). */
  intervalMs?: number;
}

export class WaitTimeoutError extends Error {
  override readonly name = "WaitTimeoutError";
  readonly description: string;
  constructor(description: string, timeoutMs: number, last: string) {
    super(`timed out after ${timeoutMs} ms waiting for: ${description}${last}`);
    this.description = description;
  }
}

/**
 * Any value but false, null and undefined ends the wait and is returned (so do not return an
 * array or object to mean "not yet": throw an Error describing the state instead — the last
 * error is quoted in the timeout message).
 */
export type Probe<T> = () => T | Promise<T>;

type LastSeen = { kind: "value"; value: unknown } | { kind: "error"; error: unknown };

function describeLast(last: LastSeen): string {
  switch (last.kind) {
    case "value":
      return last.value === undefined ? "" : ` (last value: ${JSON.stringify(last.value)})`;
    case "error": {
      const text = last.error instanceof Error ? last.error.message : JSON.stringify(last.error);
      return ` (last error: ${text})`;
    }
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `predicate` until it returns a value other than false/null/undefined, and returns that
 * value. A predicate that throws counts as "not yet"; its last error is quoted on timeout.
 */
export async function waitFor<T>(
  description: string,
  predicate: Probe<T | false | null | undefined>,
  options: WaitOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 50;
  const deadline = performance.now() + timeoutMs;
  let last: LastSeen;
  for (;;) {
    try {
      const value = await predicate();
      if (value !== false && value !== null && value !== undefined) return value;
      last = { kind: "value", value };
    } catch (error: unknown) {
      last = { kind: "error", error };
    }
    const left = deadline - performance.now();
    if (left <= 0) throw new WaitTimeoutError(description, timeoutMs, describeLast(last));
    await delay(Math.min(intervalMs, left));
  }
}
