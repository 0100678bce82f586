// The sentinel.conf parser and loader's pure steps (conf-parser.ts, conf-to-config.ts) on random and
// mutated config files. Properties: a file is either accepted or refused with a ConfigError naming
// the file, a line of it (0 = the whole file) whose text it quotes, a directive and a reason;
// never another exception. An accepted file, rewritten as Vigil rewrites it (conf-rewriter.ts),
// loads again to the same settings and state, and a second rewrite changes nothing.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { parseConf, parseConfLines } from "../../../src/config/conf-parser.js";
import { rewriteConf } from "../../../src/config/conf-rewriter.js";
import { checkAclfileUsers, confToConfig } from "../../../src/config/conf-to-config.js";
import type { ConfResult, ConfToConfigOptions } from "../../../src/config/conf-to-config.js";
import { REDIS_STANDARD_DIRECTIVES } from "../../../src/config/redis-directives.js";
import { ConfigError } from "../../../src/errors.js";
import type { Rng } from "../rng.js";
import type { FuzzTarget } from "../runner.js";
import { violation } from "../runner.js";

const CWD = "/fuzz";
const FILE = "/fuzz/sentinel.conf";
const DEFAULT_USER = "default on nopass ~* &* +@all";
const ID = "0123456789abcdef0123456789abcdef01234567";

function fixture(path: string): Buffer {
  return readFileSync(new URL(`../../../${path}`, import.meta.url));
}

const HAND_WRITTEN = [
  `port 26379\nsentinel monitor mymaster 127.0.0.1 6379 2\nsentinel down-after-milliseconds mymaster 1000\nsentinel failover-timeout mymaster 3000\n`,
  `sentinel myid ${ID}\nsentinel current-epoch 9223372036854775807\nsentinel monitor m 10.0.0.1 6379 1\nsentinel config-epoch m 5\nsentinel leader-epoch m 9223372036854775807\nsentinel known-replica m 10.0.0.2 6380\nsentinel known-sentinel m 10.0.0.3 26379 ${"b".repeat(40)}\n`,
  `bind 127.0.0.1 ::1\nprotected-mode no\ndir "/tmp"\nlogfile ""\nloglevel verbose\nrequirepass "p\\x00w d"\nuser default on nopass ~* &* +@all\nsentinel sentinel-user u\nsentinel sentinel-pass "a b"\n`,
  `sentinel monitor "m" 127.0.0.1 0 2\nsentinel auth-pass m 'it''s'\nsentinel auth-user m admin\nsentinel rename-command m CONFIG "my config"\nsentinel notification-script m /ok.sh\nsentinel client-reconfig-script m /ok.sh\nsentinel parallel-syncs m 5\nsentinel master-reboot-down-after-period m 0\n`,
  `SENTINEL RESOLVE-HOSTNAMES yes\nsentinel announce-hostnames yes\nsentinel monitor h localhost 6379 2\nsentinel announce-ip "10.0.0.9"\nsentinel announce-port 26999\nsentinel deny-scripts-reconfig no\n\r\nsentinel\n`,
  `port 0\ntls-port 26379\ntls-cert-file /c.crt\ntls-key-file /c.key\ntls-ca-cert-file /ca.crt\ntls-replication yes\nlog-format logfmt\nsentinel monitor m 127.0.0.1 6379 2\n`,
];

export const CONFIG_CORPUS: readonly Buffer[] = [
  fixture("sentinel.conf.example"),
  fixture("test/unit/config/fixtures/redis-rewrite.input.conf"),
  fixture("test/unit/config/fixtures/redis-rewrite.expected.conf"),
  ...HAND_WRITTEN.map((t) => Buffer.from(t)),
];

const SENTINEL_SUBS = [
  "monitor",
  "down-after-milliseconds",
  "failover-timeout",
  "parallel-syncs",
  "notification-script",
  "client-reconfig-script",
  "auth-pass",
  "auth-user",
  "current-epoch",
  "myid",
  "config-epoch",
  "leader-epoch",
  "known-slave",
  "known-replica",
  "known-sentinel",
  "rename-command",
  "announce-ip",
  "announce-port",
  "deny-scripts-reconfig",
  "sentinel-user",
  "sentinel-pass",
  "resolve-hostnames",
  "announce-hostnames",
  "master-reboot-down-after-period",
  "primary-reboot-down-after-period",
];

const DICTIONARY: readonly Buffer[] = [
  ...SENTINEL_SUBS.map((s) => `\nsentinel ${s} `),
  ...[...REDIS_STANDARD_DIRECTIVES].slice(0, 60).map((d) => `\n${d} `),
  " mymaster ",
  " m ",
  " 127.0.0.1 ",
  " ::1 ",
  " localhost ",
  ` ${ID} `,
  " yes ",
  " no ",
  "\ndir nope\n",
  " nope ",
  '"',
  "'",
  "\\x41",
  "\\",
  "#",
  ' "" ',
  "\t",
  "\u00e9",
  "\u2603",
  "\uFFFD",
  "\n",
].map((s) => Buffer.from(s));

function show(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? `${x}n` : x));
}

function options(rng: Rng): ConfToConfigOptions {
  const executable = rng.chance(0.7);
  return {
    isExecutable: () => executable,
    cwd: CWD,
    // A file system where only the directories named "nope" are missing.
    chdirError: (path) => (path.includes("nope") ? "No such file or directory" : null),
  };
}

function load(text: string, opts: ConfToConfigOptions): ConfResult | ConfigError {
  try {
    const result = confToConfig(parseConf(text, FILE), opts);
    checkAclfileUsers(result.server, FILE);
    return result;
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
}

function checkError(e: ConfigError, text: string): void {
  if (e.file !== FILE) violation(`ConfigError names file ${JSON.stringify(e.file)}`);
  if (e.reason === "") violation("ConfigError without a reason");
  const lines = parseConfLines(text);
  if (e.line < 0 || e.line > lines.length)
    violation(`ConfigError line ${e.line} of ${lines.length}`);
  if (e.line > 0 && e.text !== lines[e.line - 1]!.text) {
    violation(
      `ConfigError line ${e.line} quotes ${JSON.stringify(e.text)}, the line is ${JSON.stringify(lines[e.line - 1]!.text)}`,
    );
  }
}

export const configTarget: FuzzTarget = {
  name: "config",
  description:
    "sentinel.conf parser and loader: accept (and rewrite back to the same) or ConfigError with file, line, reason",
  ciInputs: 5_000,
  corpus: CONFIG_CORPUS,
  dictionary: DICTIONARY,
  maxLength: 16 * 1024,
  check(input: Buffer, rng: Rng): void {
    // The loader reads the file as UTF-8 (load-config.ts: readText).
    const text = input.toString("utf8");
    const opts = options(rng);
    const first = load(text, opts);
    if (first instanceof ConfigError) {
      checkError(first, text);
      return;
    }
    // loadConfig resolves dir against the working directory before the shell rewrites.
    const server = { ...first.server, dir: resolve(CWD, first.server.dir) };
    const rewritten = rewriteConf(text, server, first.sentinel);
    const again = load(rewritten, opts);
    if (again instanceof ConfigError) {
      violation(
        `the rewrite of an accepted file is refused: ${again.message}\n--- rewrite:\n${rewritten}`,
      );
    }
    // The rewrite writes the running ACL: `user default on nopass …` when the file had no user,
    // no requirepass and no aclfile (conf-rewriter.ts: rewriteUsers).
    const plain = server.users.length === 0 && server.requirepass === "" && server.aclfile === "";
    const users = plain ? [DEFAULT_USER] : server.users;
    if (!isDeepStrictEqual(again.server, { ...server, users })) {
      violation(`settings change across a rewrite:\n${show(server)}\n${show(again.server)}`);
    }
    if (!isDeepStrictEqual(again.sentinel, first.sentinel)) {
      violation(
        `state changes across a rewrite:\n${show(first.sentinel)}\n${show(again.sentinel)}\n--- file:\n${text}\n--- rewrite:\n${rewritten}`,
      );
    }
    // redis-sentinel 7.0.15's second rewrite adds one blank line at the end, its third nothing.
    const twice = rewriteConf(rewritten, again.server, again.sentinel);
    const thrice = rewriteConf(twice, again.server, again.sentinel);
    if (thrice !== twice) {
      violation(`a third rewrite changes the file\n--- second:\n${twice}\n--- third:\n${thrice}`);
    }
  },
};
