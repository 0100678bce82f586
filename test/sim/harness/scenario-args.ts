/**
 * One scenario command line split into its name, positional words and `key=value` options, with
 * typed getters that fail loudly on a typo (an unknown option, a bad duration). Durations take a
 * unit: `500ms`, `1.5s`, `2m`.
 */

export class ScenarioError extends Error {
  override readonly name = "ScenarioError";
}

export class CommandArgs {
  readonly name: string;
  readonly words: readonly string[];
  private readonly options = new Map<string, string>();
  private readonly used = new Set<string>();

  constructor(line: string) {
    const [name, ...rest] = line.trim().split(/\s+/);
    this.name = name ?? "";
    const words: string[] = [];
    for (const token of rest) {
      const eq = token.indexOf("=");
      if (eq > 0) this.options.set(token.slice(0, eq), token.slice(eq + 1));
      else words.push(token);
    }
    this.words = words;
  }

  /** The option's raw value, or `fallback` when absent. */
  option(key: string): string | undefined {
    this.used.add(key);
    return this.options.get(key);
  }

  int(key: string, fallback?: number): number {
    const raw = this.option(key);
    if (raw === undefined) {
      if (fallback === undefined) throw new ScenarioError(`${this.name}: ${key}= is required`);
      return fallback;
    }
    const n = Number(raw);
    if (!Number.isInteger(n))
      throw new ScenarioError(`${this.name}: ${key}=${raw} is not an integer`);
    return n;
  }

  fraction(key: string): number | undefined {
    const raw = this.option(key);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!(n >= 0 && n <= 1)) throw new ScenarioError(`${this.name}: ${key}=${raw} is not in 0..1`);
    return n;
  }

  duration(key: string, fallback?: number): number {
    const raw = this.option(key);
    if (raw === undefined) {
      if (fallback === undefined) throw new ScenarioError(`${this.name}: ${key}= is required`);
      return fallback;
    }
    return parseDuration(raw);
  }

  list(key: string): string[] | undefined {
    const raw = this.option(key);
    return raw === undefined ? undefined : raw.split(",").filter((s) => s !== "");
  }

  /** Exactly `n` positional words (or at least one when n is "some"). */
  expectWords(n: number | "some", what: string): readonly string[] {
    const ok = n === "some" ? this.words.length > 0 : this.words.length === n;
    if (!ok) throw new ScenarioError(`${this.name}: expected ${what}`);
    return this.words;
  }

  /** Throws on an option the command never asked for (a typo would otherwise be ignored). */
  checkOptions(): void {
    for (const key of this.options.keys())
      if (!this.used.has(key)) throw new ScenarioError(`${this.name}: unknown option ${key}=`);
  }
}

/** `500ms`, `1.5s`, `2m`, with an optional sign: milliseconds. */
export function parseDuration(raw: string): number {
  const m = /^([+-]?\d+(?:\.\d+)?)(ms|s|m)$/.exec(raw);
  if (m === null) throw new ScenarioError(`bad duration ${raw} (use 500ms, 1.5s, 2m)`);
  const unit = m[2] === "ms" ? 1 : m[2] === "s" ? 1000 : 60_000;
  return Math.round(Number(m[1]) * unit);
}

/** Milliseconds as the shortest of `2m`, `1.5s`, `500ms`. */
export function formatDuration(ms: number): string {
  if (ms % 60_000 === 0 && ms !== 0) return `${ms / 60_000}m`;
  if (ms % 100 === 0 && ms >= 1000) return `${ms / 1000}s`;
  return `${ms}ms`;
}
