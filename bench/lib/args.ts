// Command-line options for the benchmarks: `--name value` or `--name=value`, with typed readers
// that reject malformed values instead of silently using a default.
import { SENTINEL_IMPLS, type SentinelImpl } from "../../test/e2e/harness/sentinel-process.js";

export class Args {
  private readonly values = new Map<string, string>();

  constructor(argv: readonly string[] = process.argv.slice(2)) {
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i] ?? "";
      if (!arg.startsWith("--")) throw new Error(`unexpected argument ${arg}`);
      const eq = arg.indexOf("=");
      if (eq > 0) {
        this.values.set(arg.slice(2, eq), arg.slice(eq + 1));
      } else {
        const next = argv[i + 1];
        if (next === undefined || next.startsWith("--")) {
          this.values.set(arg.slice(2), "true");
        } else {
          this.values.set(arg.slice(2), next);
          i++;
        }
      }
    }
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  string(name: string, fallback: string): string {
    return this.values.get(name) ?? fallback;
  }

  int(name: string, fallback: number): number {
    const raw = this.values.get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0)
      throw new Error(`--${name} wants a non-negative integer, got ${raw}`);
    return value;
  }

  intList(name: string, fallback: readonly number[]): number[] {
    const raw = this.values.get(name);
    if (raw === undefined) return [...fallback];
    return raw.split(",").map((part) => {
      const value = Number(part);
      if (!Number.isInteger(value) || value <= 0)
        throw new Error(`--${name} wants positive integers, got ${raw}`);
      return value;
    });
  }

  /** One of `values` (the first is the default when the option is absent). */
  choice<T extends string>(name: string, values: readonly [T, ...T[]]): T {
    const raw = this.values.get(name);
    if (raw === undefined) return values[0];
    const found = values.find((v) => v === raw);
    if (found === undefined) throw new Error(`--${name} wants ${values.join(", ")}; got ${raw}`);
    return found;
  }

  /** `--impl redis|vigil|both` → the implementations to run, redis first. */
  impls(fallback: "redis" | "vigil" | "both" = "both"): SentinelImpl[] {
    const raw = this.string("impl", fallback);
    if (raw === "both") return ["redis", "vigil"];
    if ((SENTINEL_IMPLS as readonly string[]).includes(raw)) return [raw as SentinelImpl];
    throw new Error(`--impl wants redis, vigil or both, got ${raw}`);
  }
}
