// Proves every load error names the file, line, directive and Redis's reason text, checked
// against the real redis-sentinel 7.0.15 where it rejects the same line (the accepted directives:
// conf-to-config.test.ts).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { parseConf } from "../../../src/config/conf-parser.js";
import { confToConfig } from "../../../src/config/conf-to-config.js";
import { ConfigError } from "../../../src/errors.js";
import { ID, MONITOR, errorOf } from "./support/conf-load.js";

/** [config text, line, directive, reason] — a monitor line for `m` is always line 1. */
const ERRORS: readonly (readonly [string, number, string, string])[] = [
  ["foo bar", 2, "foo", "Bad directive or wrong number of arguments"],
  ["port", 2, "port", "wrong number of arguments"],
  ["daemonize yes yes", 2, "daemonize", "wrong number of arguments"],
  ["port abc", 2, "port", "argument couldn't be parsed into an integer"],
  ["port 70000", 2, "port", "argument must be between 0 and 65535 inclusive"],
  ["protected-mode maybe", 2, "protected-mode", "argument must be 'yes' or 'no'"],
  [
    "loglevel loud",
    2,
    "loglevel",
    "argument(s) must be one of the following: debug, verbose, notice, warning",
  ],
  ["hz abc", 2, "hz", "argument couldn't be parsed into an integer"],
  ["user", 2, "user", "Bad directive or wrong number of arguments"],
  [MONITOR, 2, "sentinel monitor", "Duplicate master name."],
  ["sentinel monitor m2 127.0.0.1 6399 0", 2, "sentinel monitor", "Quorum must be 1 or greater."],
  ["sentinel monitor m2 127.0.0.1 6390 abc", 2, "sentinel monitor", "Quorum must be 1 or greater."],
  ["sentinel monitor m2 127.0.0.1 70000 2", 2, "sentinel monitor", "Invalid port number."],
  [
    "sentinel monitor m2 localhost 6390 2",
    2,
    "sentinel monitor",
    "Can't resolve instance hostname.",
  ],
  [
    "sentinel monitor m2 127.0.0.1 6390",
    2,
    "sentinel monitor",
    "Unrecognized sentinel configuration statement.",
  ],
  [
    "sentinel down-after-milliseconds x 100",
    2,
    "sentinel down-after-milliseconds",
    "No such master with specified name.",
  ],
  [
    "sentinel down-after-milliseconds m 0",
    2,
    "sentinel down-after-milliseconds",
    "negative or zero time parameter.",
  ],
  [
    "sentinel down-after-milliseconds m abc",
    2,
    "sentinel down-after-milliseconds",
    "negative or zero time parameter.",
  ],
  [
    "sentinel down-after-milliseconds m",
    2,
    "sentinel down-after-milliseconds",
    "Unrecognized sentinel configuration statement.",
  ],
  [
    "sentinel failover-timeout m -1",
    2,
    "sentinel failover-timeout",
    "negative or zero time parameter.",
  ],
  [
    "sentinel master-reboot-down-after-period m -1",
    2,
    "sentinel master-reboot-down-after-period",
    "negative time parameter.",
  ],
  ["sentinel myid abc", 2, "sentinel myid", "Malformed Sentinel id in myid option."],
  ["sentinel foo m", 2, "sentinel foo", "Unrecognized sentinel configuration statement."],
  [
    "sentinel deny-scripts-reconfig maybe",
    2,
    "sentinel deny-scripts-reconfig",
    "Please specify yes or no for the deny-scripts-reconfig options.",
  ],
  [
    "sentinel resolve-hostnames maybe",
    2,
    "sentinel resolve-hostnames",
    "Please specify yes or no for the resolve-hostnames option.",
  ],
  [
    "sentinel announce-hostnames maybe",
    2,
    "sentinel announce-hostnames",
    "Please specify yes or no for the announce-hostnames option.",
  ],
  [
    "sentinel notification-script m /nonexistent",
    2,
    "sentinel notification-script",
    "Notification script seems non existing or non executable.",
  ],
  [
    "sentinel client-reconfig-script m /nonexistent",
    2,
    "sentinel client-reconfig-script",
    "Client reconfiguration script seems non existing or non executable.",
  ],
  [
    'sentinel notification-script m ""',
    2,
    "sentinel notification-script",
    "Notification script seems non existing or non executable.",
  ],
  [
    'sentinel client-reconfig-script m ""',
    2,
    "sentinel client-reconfig-script",
    "Client reconfiguration script seems non existing or non executable.",
  ],
  [
    "sentinel rename-command m config a\nsentinel rename-command m CONFIG b",
    3,
    "sentinel rename-command",
    "Same command renamed multiple times with rename-command.",
  ],
  ['rename-command FLUSHALL ""', 2, "rename-command", "No such command in rename-command"],
  ["rename-command PING info", 2, "rename-command", "Target command name already exists"],
  [
    'rename-command PING ""\nrename-command ping x',
    3,
    "rename-command",
    "No such command in rename-command",
  ],
  [
    "rename-command PING x\nrename-command SHUTDOWN X",
    3,
    "rename-command",
    "Target command name already exists",
  ],
  [
    "sentinel known-replica m localhost 7000",
    2,
    "sentinel known-replica",
    "Can't resolve instance hostname.",
  ],
  [
    "sentinel known-replica m 127.0.0.1 7000\nsentinel known-slave m 127.0.0.1 7000",
    3,
    "sentinel known-slave",
    "Duplicate hostname and port for replica.",
  ],
  [
    `sentinel known-sentinel m 127.0.0.1 1 ${ID}\nsentinel known-sentinel m 127.0.0.1 2 ${ID}`,
    3,
    "sentinel known-sentinel",
    "Duplicate runid for sentinel.",
  ],
  [
    "sentinel auth-pass m",
    2,
    "sentinel auth-pass",
    "Unrecognized sentinel configuration statement.",
  ],
  ['port "26379"x', 2, "port", "Unbalanced quotes in configuration line"],
];

/** Cases where Vigil refuses what Redis silently takes with atoi(). */
const STRICTER: readonly (readonly [string, string])[] = [
  ["sentinel monitor m2 127.0.0.1 abc 2", "Invalid port number."],
  ["sentinel parallel-syncs m abc", "argument couldn't be parsed into an integer"],
  ["sentinel current-epoch abc", "argument couldn't be parsed into an integer"],
  // Redis's strtoull takes it (and wraps -1); Vigil keeps epochs within int64.
  ["sentinel current-epoch 9223372036854775808", "argument couldn't be parsed into an integer"],
  ["sentinel config-epoch m -1", "argument couldn't be parsed into an integer"],
  // A number would round these: Redis's atoi truncates them.
  ["sentinel down-after-milliseconds m 9007199254740993", "negative or zero time parameter."],
  ["sentinel failover-timeout m 9223372036854775807", "negative or zero time parameter."],
  ["sentinel announce-port 70000", "argument must be between 0 and 65535 inclusive"],
  ["sentinel monitor m,x 127.0.0.1 6390 2", "Invalid master name."],
  ["include /etc/other.conf", "include is not supported by Vigil"],
];

describe("conf-to-config errors", () => {
  for (const [text, line, directive, reason] of ERRORS) {
    it(`rejects '${text.replace(/\n/g, " / ")}' with "${reason}"`, () => {
      const e = errorOf(`${MONITOR}\n${text}`);
      expect([e.file, e.line, e.directive, e.reason]).to.deep.equal([
        "s.conf",
        line,
        directive,
        reason,
      ]);
      expect(e.text).to.equal(`${MONITOR}\n${text}`.split("\n")[line - 1]);
    });
  }

  for (const [text, reason] of STRICTER) {
    it(`rejects '${text}' that Redis would misread, with "${reason}"`, () => {
      expect(errorOf(`${MONITOR}\n${text}`).reason).to.equal(reason);
    });
  }

  it('refuses an empty script path also when it would name `dir` (access("") fails in Redis)', () => {
    // The directory is executable: "" resolved against it must not pass as a script.
    const dirOk = { isExecutable: (p: string) => p === "/tmp" || p === "/tmp/" };
    for (const sub of ["notification-script", "client-reconfig-script"]) {
      const text = `dir /tmp\n${MONITOR}\nsentinel ${sub} m ""`;
      expect(() => confToConfig(parseConf(text, "s.conf"), dirOk), sub).to.throw(
        ConfigError,
        "seems non existing or non executable.",
      );
    }
  });

  it("reports plain-directive errors before sentinel ones, as Redis does", () => {
    expect(errorOf("sentinel foo\nport abc").line).to.equal(2);
  });

  it("reports sentinel errors in pass order, not file order", () => {
    const e = errorOf("sentinel down-after-milliseconds x 1\nsentinel myid short");
    expect(e.reason).to.equal("Malformed Sentinel id in myid option.");
  });
});

describe("conf-to-config errors match redis-sentinel 7.0.15", function () {
  this.timeout(60_000);
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "vigil-conf-"));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("prints the same line and reason for every error Redis also rejects", () => {
    const file = join(dir, "s.conf");
    for (const [text, line, , reason] of ERRORS) {
      writeFileSync(file, `${MONITOR}\n${text}\n`);
      const r = spawnSync("redis-sentinel", [file, "--port", "0"], {
        encoding: "utf8",
        timeout: 10_000,
      });
      expect(r.status, text).to.equal(1);
      expect(r.stdout + r.stderr, text).to.include(`at line ${line}\n`);
      expect(r.stdout + r.stderr, text).to.include(`\n${reason}\n`);
    }
  });
});
