// Proves Vigil's HTTP endpoint directives (metrics-port, metrics-bind, metrics-auth) load from
// a sentinel.conf, the command line and the YAML form, are refused with a reason when wrong,
// and come back bit for bit after a rewrite and a restart, given on the command line too.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { parseConf } from "../../../src/config/conf-parser.js";
import { rewriteConf } from "../../../src/config/conf-rewriter.js";
import { confToConfig } from "../../../src/config/conf-to-config.js";
import { loadConfig } from "../../../src/config/load-config.js";
import { yamlToConfig } from "../../../src/config/yaml-config.js";
import { ConfigError } from "../../../src/errors.js";

const opts = { isExecutable: () => true };

function load(text: string): ReturnType<typeof confToConfig> {
  return confToConfig(parseConf(text, "s.conf"), opts);
}

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.reason;
    throw e;
  }
  throw new Error("no error");
}

describe("metrics-port, metrics-bind, metrics-auth", () => {
  it("default to off, the bind addresses and auth on", () => {
    const r = load("port 26379\n");
    expect(r.server.metricsPort).to.equal(0);
    expect(r.server.metricsBind).to.deep.equal([]);
    expect(r.server.metricsAuth).to.equal(true);
  });

  it("load from a sentinel.conf in any case", () => {
    const r = load("METRICS-PORT 9121\nmetrics-bind 127.0.0.1 -::1 *\nMetrics-Auth NO\n");
    expect(r.server.metricsPort).to.equal(9121);
    expect(r.server.metricsBind).to.deep.equal(["127.0.0.1", "-::1", "*"]);
    expect(r.server.metricsAuth).to.equal(false);
  });

  it("refuse bad values with a reason", () => {
    expect(reasonOf(() => load("metrics-port 70000\n"))).to.equal(
      "argument must be between 0 and 65535 inclusive",
    );
    expect(reasonOf(() => load("metrics-port x\n"))).to.equal(
      "argument couldn't be parsed into an integer",
    );
    expect(reasonOf(() => load("metrics-auth maybe\n"))).to.equal("argument must be 'yes' or 'no'");
    expect(reasonOf(() => load("metrics-bind localhost\n"))).to.match(/^metrics-bind takes IP/);
    expect(reasonOf(() => load("metrics-port 1 2\n"))).to.equal("wrong number of arguments");
  });

  it("given on the command line, are written by the rewrite and load back the same", () => {
    const dir = mkdtempSync(join(tmpdir(), "vigil-metrics-"));
    try {
      const file = join(dir, "s.conf");
      writeFileSync(file, "port 26400\nsentinel monitor m 127.0.0.1 6379 2\n");
      const loaded = loadConfig(
        file,
        ["metrics-port 9123", 'metrics-bind 127.0.0.1 "-::1"', "metrics-auth no"],
        opts,
      );
      const text = rewriteConf(loaded.text, loaded.server, loaded.sentinel);
      expect(text).to.include("metrics-port 9123\n");
      expect(text).to.include("metrics-bind 127.0.0.1 -::1\n");
      expect(text).to.include("metrics-auth no\n");
      const again = load(text);
      expect(again.server.metricsPort).to.equal(9123);
      expect(again.server.metricsBind).to.deep.equal(["127.0.0.1", "-::1"]);
      expect(again.server.metricsAuth).to.equal(false);
      // The restarted sentinel writes the same file as the running one.
      const dirOf = { dir: loaded.server.dir };
      expect(rewriteConf(text, { ...again.server, ...dirOf }, again.sentinel)).to.equal(
        rewriteConf(text, loaded.server, loaded.sentinel),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("are not written when at their defaults", () => {
    const r = load("port 26379\n");
    const text = rewriteConf("port 26379\n", { ...r.server, dir: "/d" }, r.sentinel);
    expect(text).to.not.include("metrics-");
  });

  it("refuse a metrics-port equal to the sentinel's port at load (--test-config)", () => {
    const dir = mkdtempSync(join(tmpdir(), "vigil-metrics-"));
    try {
      const file = join(dir, "s.conf");
      writeFileSync(file, "port 26401\nmetrics-port 26401\n");
      expect(reasonOf(() => loadConfig(file, [], opts))).to.equal(
        "metrics-port 26401 is the sentinel's own port",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("load from the YAML form", () => {
    const yaml = [
      "server:",
      "  metrics-port: 9124",
      "  metrics-bind: [127.0.0.1, '::1']",
      "  metrics-auth: no",
      "",
    ].join("\n");
    const r = yamlToConfig(yaml, "/v.yaml", opts);
    expect(r.server.metricsPort).to.equal(9124);
    expect(r.server.metricsBind).to.deep.equal(["127.0.0.1", "::1"]);
    expect(r.server.metricsAuth).to.equal(false);
    expect(() => yamlToConfig("server:\n  metrics-bind: nowhere\n", "/v.yaml", opts)).to.throw(
      ConfigError,
    );
  });
});
