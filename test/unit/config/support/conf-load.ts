// The conf-to-config tests' loader: a config text parsed as `s.conf` and converted, with only
// /ok.sh executable.
import { parseConf } from "../../../../src/config/conf-parser.js";
import { confToConfig } from "../../../../src/config/conf-to-config.js";
import type { ConfResult } from "../../../../src/config/conf-to-config.js";
import { ConfigError } from "../../../../src/errors.js";

export const opts = { isExecutable: (p: string) => p === "/ok.sh" };
export const MONITOR = "sentinel monitor m 127.0.0.1 6379 2";
export const ID = "a".repeat(40);

export function load(text: string): ConfResult {
  return confToConfig(parseConf(text, "s.conf"), opts);
}

export function errorOf(text: string): ConfigError {
  try {
    load(text);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`no error for ${text}`);
}
