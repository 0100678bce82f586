// Proves directives become the right ServerSettings/SentinelConfig: Redis's three passes, the
// plain directives, and every load error with file, line, directive and Redis's reason text —
// checked against the real redis-sentinel 7.0.15 where it rejects the same line.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { parseConf } from "../../../src/config/conf-parser.js";
import { confToConfig } from "../../../src/config/conf-to-config.js";
import type { ConfResult } from "../../../src/config/conf-to-config.js";
import { DEFAULT_SERVER_SETTINGS } from "../../../src/config/types.js";
import { defaultMasterSettings } from "../../../src/core/model/config.js";
import { ConfigError } from "../../../src/errors.js";

const opts = { isExecutable: (p: string) => p === "/ok.sh" };
const MONITOR = "sentinel monitor m 127.0.0.1 6379 2";
const ID = "a".repeat(40);

function load(text: string): ConfResult {
  return confToConfig(parseConf(text, "s.conf"), opts);
}

function errorOf(text: string): ConfigError {
  try {
    load(text);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`no error for ${text}`);
}

describe("conf-to-config sentinel directives", () => {
  it("builds a master with default settings from a monitor line", () => {
    const r = load(MONITOR);
    expect(r.server).to.deep.equal(DEFAULT_SERVER_SETTINGS);
    expect(r.sentinel).to.deep.equal({
      myId: "",
      currentEpoch: 0n,
      global: {
        announceIp: "",
        announcePort: 0,
        denyScriptsReconfig: true,
        resolveHostnames: false,
        announceHostnames: false,
        sentinelUser: "",
        sentinelPass: "",
        logLevel: "notice",
      },
      masters: [
        {
          name: "m",
          addr: { ip: "127.0.0.1", port: 6379 },
          settings: defaultMasterSettings(2),
          configEpoch: 0n,
          leaderEpoch: 0n,
          knownReplicas: [],
          knownSentinels: [],
        },
      ],
    });
  });

  it("applies options written before their monitor line (three passes)", () => {
    const r = load(
      [
        "sentinel down-after-milliseconds m 5000",
        "sentinel known-replica m 127.0.0.1 7000",
        "sentinel monitor m db.local 6379 2",
        "sentinel resolve-hostnames yes",
        `sentinel myid ${ID}`,
      ].join("\n"),
    );
    const m = r.sentinel.masters[0]!;
    expect(m.settings.downAfterPeriod).to.equal(5000);
    expect(m.addr).to.deep.equal({ ip: "db.local", port: 6379 });
    expect(m.knownReplicas).to.deep.equal([{ ip: "127.0.0.1", port: 7000 }]);
    expect(r.sentinel.myId).to.equal(ID);
  });

  it("reads every per-master option and state line", () => {
    const r = load(
      [
        MONITOR,
        "sentinel failover-timeout m 60000",
        "sentinel parallel-syncs m 3",
        "sentinel master-reboot-down-after-period m 1000",
        "sentinel notification-script m /ok.sh",
        "sentinel client-reconfig-script m /ok.sh",
        'sentinel auth-pass m "a b"',
        "sentinel auth-user m u",
        "sentinel rename-command m CONFIG guessme",
        "sentinel config-epoch m 7",
        "sentinel leader-epoch m 8",
        "sentinel known-slave m ::1 7001",
        `sentinel known-sentinel m 127.0.0.1 26380 ${ID}`,
        "sentinel known-sentinel m 127.0.0.1 26381",
      ].join("\n"),
    );
    const m = r.sentinel.masters[0]!;
    expect(m.settings).to.deep.include({
      failoverTimeout: 60000,
      parallelSyncs: 3,
      masterRebootDownAfterPeriod: 1000,
      notificationScript: "/ok.sh",
      clientReconfigScript: "/ok.sh",
      authPass: "a b",
      authUser: "u",
    });
    expect(m.settings.renamedCommands).to.deep.equal({ config: "guessme" });
    expect([m.configEpoch, m.leaderEpoch, r.sentinel.currentEpoch]).to.deep.equal([7n, 8n, 7n]);
    expect(m.knownReplicas).to.deep.equal([{ ip: "::1", port: 7001 }]);
    expect(m.knownSentinels).to.deep.equal([{ addr: { ip: "127.0.0.1", port: 26380 }, runId: ID }]);
  });

  it("reads Valkey 8's primary-reboot-down-after-period as master-reboot-down-after-period", () => {
    const r = load(`sentinel primary-reboot-down-after-period m 2500\n${MONITOR}`);
    expect(r.sentinel.masters[0]!.settings.masterRebootDownAfterPeriod).to.equal(2500);
    const e = errorOf(`${MONITOR}\nsentinel PRIMARY-reboot-down-after-period m -1`);
    expect([e.line, e.directive, e.reason]).to.deep.equal([
      2,
      "sentinel primary-reboot-down-after-period",
      "negative time parameter.",
    ]);
    expect(errorOf(`${MONITOR}\nsentinel primary-reboot-down-after-period m`).reason).to.equal(
      "Unrecognized sentinel configuration statement.",
    );
  });

  it("reads Vigil's fence-isolated-master yes|no, any case, and refuses anything else", () => {
    const r = load(`${MONITOR}\nsentinel fence-isolated-master m YES`);
    expect(r.sentinel.masters[0]!.settings.fenceIsolatedMaster).to.equal(true);
    expect(load(MONITOR).sentinel.masters[0]!.settings.fenceIsolatedMaster).to.equal(false);
    const e = errorOf(`${MONITOR}\nsentinel fence-isolated-master m maybe`);
    expect([e.line, e.directive, e.reason]).to.deep.equal([
      2,
      "sentinel fence-isolated-master",
      "argument must be 'yes' or 'no'",
    ]);
  });

  // Found by the config fuzzer: port "-0" was kept as -0, which a rewrite writes back as 0, so
  // the state before and after a restart were not deep-equal.
  it("reads a port written -0 as 0, as atoi does", () => {
    const port = load("sentinel monitor m 127.0.0.1 -0 2").sentinel.masters[0]!.addr.port;
    expect(Object.is(port, 0)).to.equal(true);
  });

  it("reads epochs up to 2^63-1 exactly", () => {
    const r = load(
      [
        MONITOR,
        "sentinel config-epoch m 9007199254740993",
        "sentinel leader-epoch m 9223372036854775807",
        "sentinel current-epoch 9007199254740995",
      ].join("\n"),
    );
    const m = r.sentinel.masters[0]!;
    expect([m.configEpoch, m.leaderEpoch, r.sentinel.currentEpoch]).to.deep.equal([
      9007199254740993n,
      9223372036854775807n,
      9007199254740995n,
    ]);
  });

  it("only raises current-epoch", () => {
    expect(
      load("sentinel current-epoch 5\nsentinel current-epoch 3").sentinel.currentEpoch,
    ).to.equal(5n);
  });

  it("reads the global options and ignores empty announce-ip and sentinel credentials", () => {
    const r = load(
      [
        'sentinel announce-ip ""',
        "sentinel announce-port 26000",
        "sentinel deny-scripts-reconfig NO",
        "sentinel announce-hostnames yes",
        'sentinel sentinel-user ""',
        "sentinel sentinel-pass pw",
      ].join("\n"),
    );
    expect(r.sentinel.global).to.deep.equal({
      announceIp: "",
      announcePort: 26000,
      denyScriptsReconfig: false,
      resolveHostnames: false,
      announceHostnames: true,
      sentinelUser: "",
      sentinelPass: "pw",
      logLevel: "notice",
    });
  });

  it("applies the directives on top of a base config", () => {
    const base = load(MONITOR);
    const r = confToConfig(parseConf("port 26390\nsentinel parallel-syncs m 4", "cli"), opts, base);
    expect(r.server.port).to.equal(26390);
    expect(r.sentinel.masters.map((m) => m.settings.parallelSyncs)).to.deep.equal([4]);
  });
});

describe("conf-to-config plain directives", () => {
  it("reads the directives Vigil acts on", () => {
    const r = load(
      [
        "port 26390",
        "bind 127.0.0.1 ::1",
        "protected-mode yes",
        "dir /tmp",
        'logfile "/tmp/l"',
        "loglevel VERBOSE",
        "pidfile /tmp/p",
        "daemonize yes",
        "requirepass pw",
        "user default on nopass ~* &* +@all",
        "user a on >p ~* +@all",
        "aclfile /tmp/a",
        "hz 15",
        "tls-port 26380",
        "tls-cert-file /c",
        "syslog-enabled no",
        "state-file run/sentinel.state",
        "supervised SYSTEMD",
        "metrics-port 9121",
        "metrics-bind 127.0.0.1",
        "metrics-auth no",
      ].join("\n"),
    );
    expect(r.server).to.deep.equal({
      port: 26390,
      bind: ["127.0.0.1", "::1"],
      protectedMode: true,
      dir: "/tmp",
      logfile: "/tmp/l",
      loglevel: "verbose",
      logFormat: "legacy",
      logTimestampFormat: "legacy",
      pidfile: "/tmp/p",
      daemonize: true,
      requirepass: "pw",
      users: ["default on nopass ~* &* +@all", "a on >p ~* +@all"],
      aclfile: "/tmp/a",
      hz: 15,
      tls: { "tls-port": "26380", "tls-cert-file": "/c" },
      syslog: { "syslog-enabled": "no" },
      stateFile: "run/sentinel.state",
      supervised: "systemd",
      metricsPort: 9121,
      metricsBind: ["127.0.0.1"],
      metricsAuth: false,
    });
    // redis-sentinel 7.0.15's text for `supervised foo`.
    expect(errorOf("supervised foo").reason).to.equal(
      "argument(s) must be one of the following: upstart, systemd, auto, no",
    );
    expect(errorOf("state-file a b").reason).to.equal("Bad directive or wrong number of arguments");
  });

  it("reads Valkey's log-format and log-timestamp-format, refusing other values with its text", () => {
    const r = load("log-format JSON\nlog-timestamp-format milliseconds");
    expect(r.server).to.deep.include({ logFormat: "json", logTimestampFormat: "milliseconds" });
    expect(errorOf("log-format text").reason).to.equal(
      "argument(s) must be one of the following: legacy, logfmt, json",
    );
    expect(errorOf("log-timestamp-format unix").reason).to.equal(
      "argument(s) must be one of the following: legacy, iso8601, milliseconds",
    );
    expect(errorOf("log-format a b").reason).to.equal("wrong number of arguments");
  });

  it("accepts the other Redis directives (as redis-sentinel does) and a bare sentinel line", () => {
    const r = load(
      'tcp-keepalive 300\nlatency-tracking-info-percentiles 50 99 99.9\nslaveof 1.2.3.4 6379\nsentinel\nrename-command FLUSHALL ""\nlist-max-ziplist-entries 5',
    );
    expect(r.server).to.deep.equal(DEFAULT_SERVER_SETTINGS);
  });
});

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
    "sentinel rename-command m config a\nsentinel rename-command m CONFIG b",
    3,
    "sentinel rename-command",
    "Same command renamed multiple times with rename-command.",
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
