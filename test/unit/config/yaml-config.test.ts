// Proves the YAML form gives the same settings as the equivalent sentinel.conf, is validated by
// the shared schemas with errors naming the YAML path and line, and merges the .state file.
import { expect } from "chai";
import { parseConf } from "../../../src/config/conf-parser.js";
import { confToConfig } from "../../../src/config/conf-to-config.js";
import { rewriteConf } from "../../../src/config/conf-rewriter.js";
import { mergeState, yamlToConfig, yamlWithState } from "../../../src/config/yaml-config.js";
import { ConfigError } from "../../../src/errors.js";

const opts = { isExecutable: (p: string) => p === "/ok.sh" };

const YAML = `
server:
  port: 26390
  bind: [127.0.0.1, "::1"]
  protected-mode: yes
  loglevel: verbose
  log-format: logfmt
  log-timestamp-format: iso8601
  maxclients: 3
  users: ["default on nopass ~* &* +@all"]
  tls: { tls-port: 26391 }
sentinel:
  announce-ip: 10.0.0.1
  deny-scripts-reconfig: false
masters:
  mymaster:
    host: 127.0.0.1
    port: 6379
    quorum: 2
    down-after-milliseconds: 5000
    notification-script: /ok.sh
    auth-pass: "a b"
    rename-command: { CONFIG: guessme }
  other:
    host: "::1"
    port: 6380
    quorum: 1
`;

const CONF = `
port 26390
bind 127.0.0.1 ::1
protected-mode yes
loglevel verbose
log-format logfmt
log-timestamp-format iso8601
maxclients 3
user default on nopass ~* &* +@all
tls-port 26391
sentinel announce-ip 10.0.0.1
sentinel deny-scripts-reconfig no
sentinel monitor mymaster 127.0.0.1 6379 2
sentinel down-after-milliseconds mymaster 5000
sentinel notification-script mymaster /ok.sh
sentinel auth-pass mymaster "a b"
sentinel rename-command mymaster CONFIG guessme
sentinel monitor other ::1 6380 1
`;

function yamlError(text: string): ConfigError {
  try {
    yamlToConfig(text, "v.yaml", opts);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("no error");
}

describe("yaml-config equivalence", () => {
  it("gives the same server settings and sentinel config as the equivalent sentinel.conf", () => {
    expect(yamlToConfig(YAML, "v.yaml", opts)).to.deep.equal(
      confToConfig(parseConf(CONF, "s.conf"), opts),
    );
  });

  it("reads maxclients as the conf form does", () => {
    expect(yamlToConfig(YAML, "v.yaml", opts).server.maxclients).to.equal(3);
  });

  it("accepts an empty document as all defaults", () => {
    expect(yamlToConfig("", "v.yaml", opts)).to.deep.equal(confToConfig([], opts));
  });
});

describe("yaml-config errors", () => {
  it("names the YAML path and line of a schema violation, with Redis's reason", () => {
    const e = yamlError("masters:\n  m:\n    host: 127.0.0.1\n    port: 6379\n    quorum: 0\n");
    expect([e.file, e.line, e.directive, e.reason]).to.deep.equal([
      "v.yaml",
      5,
      "masters.m.quorum",
      "Quorum must be 1 or greater.",
    ]);
  });

  it("reports a missing required key at its parent", () => {
    const e = yamlError("masters:\n  m:\n    host: 127.0.0.1\n    quorum: 2\n");
    expect([e.line, e.directive]).to.deep.equal([2, "masters.m.port"]);
  });

  it("refuses unknown keys", () => {
    const e = yamlError("server:\n  portt: 1\n");
    expect([e.line, e.directive]).to.deep.equal([2, "server.portt"]);
    expect(e.reason).to.match(/portt/);
  });

  it("applies the sentinel.conf rules too (hostnames, scripts) at the right line", () => {
    const e = yamlError("masters:\n  m:\n    host: db.local\n    port: 6379\n    quorum: 2\n");
    expect([e.line, e.directive, e.reason]).to.deep.equal([
      2,
      "masters.m",
      "Can't resolve instance hostname.",
    ]);
    const s = yamlError(
      "masters:\n  m:\n    host: 127.0.0.1\n    port: 6379\n    quorum: 2\n    client-reconfig-script: /no.sh\n",
    );
    expect([s.line, s.directive]).to.deep.equal([6, "masters.m.client-reconfig-script"]);
  });

  it("reports YAML syntax errors with their line", () => {
    const e = yamlError("server:\n  port: [1\n");
    expect(e.reason).to.match(/^YAML syntax error/);
    expect(e.line).to.be.greaterThan(0);
  });
});

describe("yaml-config server.rename-command", () => {
  it("renames the sentinel's own commands as top-level rename-command lines do, in order", () => {
    const yaml = 'server:\n  rename-command:\n    PING: "5"\n    "5": xping\n    shutdown: ""\n';
    const conf = 'rename-command PING 5\nrename-command 5 xping\nrename-command shutdown ""\n';
    const got = yamlToConfig(yaml, "v.yaml", opts);
    expect(got.server.renameCommands).to.deep.equal([
      ["PING", "5"],
      ["5", "xping"],
      ["shutdown", ""],
    ]);
    expect(got).to.deep.equal(confToConfig(parseConf(conf, "s.conf"), opts));
  });

  it("refuses what redis-sentinel refuses, at the entry's line, with Redis's reason", () => {
    const unknown = yamlError("server:\n  rename-command:\n    ping: x\n    flushall: y\n");
    expect([unknown.line, unknown.directive, unknown.reason]).to.deep.equal([
      4,
      "server.rename-command.flushall",
      "No such command in rename-command",
    ]);
    const taken = yamlError("server:\n  rename-command:\n    ping: INFO\n");
    expect([taken.line, taken.reason]).to.deep.equal([3, "Target command name already exists"]);
  });
});

describe("yaml-config mergeState", () => {
  it("takes globals, epochs and listed masters from the state, keeps YAML-only masters", () => {
    const yaml = yamlToConfig(YAML, "v.yaml", opts).sentinel;
    const state = confToConfig(
      parseConf(
        `sentinel myid ${"c".repeat(40)}\nsentinel monitor mymaster 127.0.0.1 6390 2\nsentinel config-epoch mymaster 4\n`,
        "v.yaml.state",
      ),
      opts,
    ).sentinel;
    const merged = mergeState(yaml, state);
    expect(merged.myId).to.equal("c".repeat(40));
    expect(merged.currentEpoch).to.equal(4n);
    expect(merged.masters.map((m) => [m.name, m.addr.port])).to.deep.equal([
      ["mymaster", 6390],
      ["other", 6380],
    ]);
  });

  it("keeps a SENTINEL REMOVE of a YAML master across a restart until MONITOR brings it back", () => {
    const load = (state: string) =>
      yamlWithState(YAML, "v.yaml", { text: state, file: "v.yaml.state" }, opts);
    const start = load("");
    expect(start.yamlMasters).to.deep.equal(["mymaster", "other"]);
    const mymaster = start.sentinel.masters.find((m) => m.name === "mymaster")!;
    // SENTINEL REMOVE mymaster, then a save of the state file.
    const removed = { ...start.sentinel, masters: start.sentinel.masters.slice(1) };
    const afterRemove = rewriteConf("", null, removed, undefined, start.yamlMasters);
    expect(afterRemove).to.include("sentinel vigil-removed mymaster\n");
    expect(load(afterRemove).sentinel.masters.map((m) => m.name)).to.deep.equal(["other"]);
    // SENTINEL MONITOR mymaster again: the save drops the record, the restart has the master.
    const again = { ...removed, masters: [...removed.masters, mymaster] };
    const afterMonitor = rewriteConf(afterRemove, null, again, undefined, start.yamlMasters);
    expect(afterMonitor).not.to.include("vigil-removed");
    expect(load(afterMonitor).sentinel.masters.map((m) => [m.name, m.addr.port])).to.deep.equal([
      ["other", 6380],
      ["mymaster", 6379],
    ]);
  });

  it("refuses a vigil-removed line in a sentinel.conf and keeps unknown names harmless", () => {
    expect(() => confToConfig(parseConf("sentinel vigil-removed m\n", "s.conf"), opts)).to.throw(
      ConfigError,
    );
    const state = "sentinel vigil-removed nosuch\n";
    const r = yamlWithState(YAML, "v.yaml", { text: state, file: "v.yaml.state" }, opts);
    expect(r.sentinel.masters.map((m) => m.name)).to.deep.equal(["mymaster", "other"]);
  });
});
