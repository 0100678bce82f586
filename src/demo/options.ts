// `npm run demo -- [options]`: the demo's command line.
import { UsageError } from "../errors.js";

export { UsageError };

export interface DemoOptions {
  readonly impl: "vigil" | "redis";
  readonly downAfterMs: number;
  /** Seconds after start-up to send SENTINEL FAILOVER (null: only on `f`). */
  readonly failoverAfter: number | null;
  /** Seconds after start-up to print the summary and exit (null: run until `q`/Ctrl-C). */
  readonly exitAfter: number | null;
}

export const USAGE =
  "usage: npm run demo -- [--impl vigil|redis] [--down-after <ms>] [--failover-after <s>] [--exit-after <s>]";

function positive(flag: string, value: string): number {
  const n = Number(value);
  if (value === "" || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`${flag} needs a positive number, got "${value}"\n${USAGE}`);
  }
  return n;
}

export function parseOptions(argv: readonly string[]): DemoOptions {
  let impl: DemoOptions["impl"] = "vigil";
  let downAfterMs = 5_000;
  let failoverAfter: number | null = null;
  let exitAfter: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const eq = arg.indexOf("=");
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    const value = eq < 0 ? (argv[++i] ?? "") : arg.slice(eq + 1);
    switch (flag) {
      case "--impl":
        if (value !== "vigil" && value !== "redis") {
          throw new UsageError(`--impl is vigil or redis, got "${value}"\n${USAGE}`);
        }
        impl = value;
        break;
      case "--down-after":
        downAfterMs = positive(flag, value);
        break;
      case "--failover-after":
        failoverAfter = positive(flag, value);
        break;
      case "--exit-after":
      case "--for":
        exitAfter = positive(flag, value);
        break;
      default:
        throw new UsageError(`unknown option "${arg}"\n${USAGE}`);
    }
  }
  return { impl, downAfterMs, failoverAfter, exitAfter };
}
