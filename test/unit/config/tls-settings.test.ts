// Proves the tls-* directives load as redis-sentinel 7.0.15 loads them: the same reasons for the
// same bad values (checked against the real binary), Redis's spelling kept for the rewrite
// (lower-case yes/no/optional, as redis-sentinel rewrote `OPTIONAL` and `NO`), Redis's defaults
// (config.c), and the port rules: where the sentinel listens (`port 0` + `tls-port` is valid,
// both 0 is not) and which port the hello announces (sentinel.c: sentinelSendHello).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { parseConf } from "../../../src/config/conf-parser.js";
import { rewriteConf } from "../../../src/config/conf-rewriter.js";
import { confToConfig } from "../../../src/config/conf-to-config.js";
import type { ConfResult } from "../../../src/config/conf-to-config.js";
import {
  DEFAULT_TLS_SETTINGS,
  announcedPort,
  listenPlan,
  reportedPort,
  tlsNeeded,
  tlsSettings,
} from "../../../src/config/tls-settings.js";
import { yamlToConfig } from "../../../src/config/yaml-config.js";
import { ConfigError } from "../../../src/errors.js";

const opts = { isExecutable: () => true };
const MONITOR = "sentinel monitor m 127.0.0.1 6379 2";

function load(text: string): ConfResult {
  return confToConfig(parseConf(`${text}\n${MONITOR}\n`, "s.conf"), opts);
}

function reasonOf(text: string): string {
  try {
    load(text);
  } catch (e) {
    if (e instanceof ConfigError) return e.reason;
    throw e;
  }
  throw new Error(`no error for ${text}`);
}

/** [line, Redis's reason] — each also run through redis-sentinel below. */
const ERRORS: readonly (readonly [string, string])[] = [
  ["tls-port abc", "argument couldn't be parsed into an integer"],
  ["tls-port 70000", "argument must be between 0 and 65535 inclusive"],
  ["tls-port -1", "argument must be between 0 and 65535 inclusive"],
  ["tls-replication maybe", "argument must be 'yes' or 'no'"],
  ["tls-session-caching 1", "argument must be 'yes' or 'no'"],
  ["tls-prefer-server-ciphers on", "argument must be 'yes' or 'no'"],
  ["tls-auth-clients maybe", "argument(s) must be one of the following: no, yes, optional"],
  ["tls-session-cache-size +5", "argument couldn't be parsed into an integer"],
  ["tls-session-cache-size -1", "argument must be between 0 and 2147483647 inclusive"],
  ["tls-session-cache-timeout x", "argument couldn't be parsed into an integer"],
  ["tls-session-cache-timeout 3000000000", "argument must be between 0 and 2147483647 inclusive"],
];

describe("tls-* directives", () => {
  it("reject bad values with Redis's reasons", () => {
    for (const [text, reason] of ERRORS) expect(reasonOf(text), text).to.equal(reason);
  });

  it("are kept in Redis's spelling, and rewritten as redis-sentinel rewrote them", () => {
    const text = [
      "port 27031",
      "tls-auth-clients OPTIONAL",
      "tls-replication NO",
      "tls-session-cache-size 5",
      'tls-protocols "TLSv1.2 TLSv1.3"',
      "tls-port 0",
      "tls-session-caching yes",
      "tls-cert-file /tmp/tlsx/redis.crt",
      MONITOR,
    ].join("\n");
    const r = confToConfig(parseConf(text, "s.conf"), opts);
    const out = rewriteConf(text, { ...r.server, dir: "/d" }, r.sentinel).split("\n");
    // redis-sentinel 7.0.15 rewrote this file's first eight lines as:
    expect(out.slice(0, 8)).to.deep.equal([
      "port 27031",
      "tls-auth-clients optional",
      "tls-replication no",
      "tls-session-cache-size 5",
      'tls-protocols "TLSv1.2 TLSv1.3"',
      "tls-port 0",
      "tls-session-caching yes",
      'tls-cert-file "/tmp/tlsx/redis.crt"',
    ]);
  });

  it("read with Redis 7.0's defaults when unset", () => {
    const tls = tlsSettings(load("").server.tls);
    expect(tls).to.deep.equal(DEFAULT_TLS_SETTINGS);
    expect(tls).to.include({
      port: 0,
      authClients: "yes",
      replication: false,
      preferServerCiphers: false,
      sessionCaching: true,
      sessionCacheSize: 20480,
      sessionCacheTimeout: 300,
    });
  });

  it("read as written", () => {
    const tls = tlsSettings(
      load(
        [
          "tls-port 26380",
          "tls-auth-clients no",
          "tls-replication yes",
          "tls-session-caching no",
          "tls-session-cache-size 0",
          "tls-session-cache-timeout 60",
          "tls-prefer-server-ciphers yes",
          "tls-client-cert-file c.crt",
          "tls-client-key-file c.key",
          "tls-ca-cert-dir /etc/ssl/certs",
        ].join("\n"),
      ).server.tls,
    );
    expect(tls).to.include({
      port: 26380,
      authClients: "no",
      replication: true,
      sessionCaching: false,
      sessionCacheSize: 0,
      sessionCacheTimeout: 60,
      preferServerCiphers: true,
      clientCertFile: "c.crt",
      clientKeyFile: "c.key",
      caCertDir: "/etc/ssl/certs",
    });
  });

  it("are checked the same way in the YAML form", () => {
    const yaml = (tls: string): ConfResult =>
      yamlToConfig(`server:\n  tls:\n${tls}\n`, "s.yaml", opts);
    expect(
      yaml("    tls-auth-clients: OPTIONAL\n    tls-replication: true").server.tls,
    ).to.deep.equal({ "tls-auth-clients": "optional", "tls-replication": "yes" });
    expect(() => yaml("    tls-port: 70000")).to.throw(
      ConfigError,
      "argument must be between 0 and 65535 inclusive",
    );
  });
});

describe("listening and announced ports", () => {
  it("listens on port, tls-port, or both; nowhere is refused", () => {
    expect(listenPlan(load("").server)).to.deep.equal({ plain: 26379, tls: null });
    expect(listenPlan(load("port 0\ntls-port 26380").server)).to.deep.equal({
      plain: null,
      tls: 26380,
    });
    expect(listenPlan(load("tls-port 26380").server)).to.deep.equal({ plain: 26379, tls: 26380 });
    expect(listenPlan(load("port 0").server)).to.equal(null);
    // Redis 7 reads a lone `bind ""` as no address (found by the config fuzzer).
    expect(listenPlan(load('bind ""').server)).to.equal(null);
    expect(listenPlan(load('bind "" ::1').server)).to.deep.equal({ plain: 26379, tls: null });
  });

  it("reports port, or tls-port when port is 0 (startup line, INFO tcp_port)", () => {
    expect(reportedPort(load("tls-port 26380").server)).to.equal(26379);
    expect(reportedPort(load("port 0\ntls-port 26380").server)).to.equal(26380);
  });

  it("announces tls-port in hellos only when the links use TLS", () => {
    expect(announcedPort(load("tls-port 26380").server)).to.equal(26379);
    expect(announcedPort(load("tls-port 26380\ntls-replication yes").server)).to.equal(26380);
    expect(announcedPort(load("port 0\ntls-port 26380\ntls-replication yes").server)).to.equal(
      26380,
    );
    expect(announcedPort(load("tls-replication yes").server)).to.equal(26379);
  });

  it("configures TLS for a TLS port or TLS links, as Redis does", () => {
    const needed = (text: string): boolean => {
      const s = load(text).server;
      return tlsNeeded(tlsSettings(s.tls), s.tls);
    };
    expect(needed("tls-cert-file x")).to.equal(false);
    expect(needed("tls-port 26380")).to.equal(true);
    expect(needed("tls-replication yes")).to.equal(true);
    expect(needed("tls-cluster yes")).to.equal(true);
  });
});

describe("tls-* load errors match redis-sentinel 7.0.15", function () {
  this.timeout(60_000);
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "vigil-tls-conf-"));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("prints the same reason for every bad value", () => {
    const file = join(dir, "s.conf");
    for (const [text, reason] of ERRORS) {
      writeFileSync(file, `${MONITOR}\n${text}\n`);
      const r = spawnSync("redis-sentinel", [file, "--port", "0"], {
        encoding: "utf8",
        timeout: 10_000,
      });
      expect(r.status, text).to.equal(1);
      expect(r.stdout + r.stderr, text).to.include(`\n${reason}\n`);
    }
  });
});
