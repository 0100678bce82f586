// Proves directives become the right ServerSettings/SentinelConfig: Redis's three passes and the
// plain directives (the load errors: conf-errors.test.ts).
import { expect } from "chai";
import { DEFAULT_SERVER_SETTINGS } from "../../../src/config/types.js";
import { parseConf } from "../../../src/config/conf-parser.js";
import { confToConfig } from "../../../src/config/conf-to-config.js";
import { defaultMasterSettings } from "../../../src/core/model/config.js";
import { ID, MONITOR, errorOf, load, opts } from "./support/conf-load.js";

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
    expect(m.settings.renamedCommands).to.deep.equal({ CONFIG: "guessme" });
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
        "maxclients 7",
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
      maxclients: 7,
      tls: { "tls-port": "26380", "tls-cert-file": "/c" },
      syslog: { "syslog-enabled": "no" },
      stateFile: "run/sentinel.state",
      supervised: "systemd",
      metricsPort: 9121,
      metricsBind: ["127.0.0.1"],
      metricsAuth: false,
      renameCommands: [],
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
      'tcp-keepalive 300\nlatency-tracking-info-percentiles 50 99 99.9\nslaveof 1.2.3.4 6379\nsentinel\nrename-command SHUTDOWN ""\nrename-command PING xping\nlist-max-ziplist-entries 5',
    );
    // The rename-command pairs are kept, in file order, for the command table (live-commands.ts).
    expect(r.server).to.deep.equal({
      ...DEFAULT_SERVER_SETTINGS,
      renameCommands: [
        ["SHUTDOWN", ""],
        ["PING", "xping"],
      ],
    });
  });
});
