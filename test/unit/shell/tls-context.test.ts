// Proves the TLS contexts are built as Redis 7.0 builds them (tls.c: tlsConfigure): the same
// checks in the same order, each failure the line redis-sentinel 7.0.15 logs for the same
// settings (run here on the same files: certificates made by openssl in a temp dir), the
// protocols parsed like parseProtocolsConfig, and a client pair used for the links when given.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { constants } from "node:crypto";
import tls from "node:tls";
import { expect } from "chai";
import type { TlsSettings } from "../../../src/config/tls-settings.js";
import { DEFAULT_TLS_SETTINGS } from "../../../src/config/tls-settings.js";
import { TlsConfigError } from "../../../src/errors.js";
import { buildTlsContexts, protocolOptions } from "../../../src/shell/tls-context.js";
import { shortReason } from "../../../src/shell/tls-listener.js";
import { makeTlsFiles, type TlsFiles } from "../../e2e/harness/tls-files.js";

function failure(settings: TlsSettings): string {
  try {
    buildTlsContexts(settings);
  } catch (e) {
    if (e instanceof TlsConfigError) return e.message;
    throw e;
  }
  throw new Error("no failure");
}

/** The line redis-sentinel logs before "Failed to configure TLS…", for the same settings. */
function redisLine(dir: string, lines: readonly string[]): string {
  const conf = path.join(dir, "s.conf");
  fs.writeFileSync(conf, ["port 0", "tls-port 1", ...lines, ""].join("\n"));
  const r = spawnSync("redis-sentinel", [conf], { encoding: "utf8", timeout: 10_000 });
  const out = (r.stdout + r.stderr).split("\n");
  const at = out.findIndex((l) => l.endsWith("Failed to configure TLS. Check logs for more info."));
  expect(r.status, out.join("\n")).to.equal(1);
  return (out[at - 1] ?? "").replace(/^\d+:X .*? # /, "");
}

describe("TLS contexts", function () {
  this.timeout(60_000);
  let dir: string;
  let files: TlsFiles;
  let good: TlsSettings;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vigil-tls-ctx-"));
    files = makeTlsFiles(path.join(dir, "tls"));
    fs.writeFileSync(path.join(dir, "garbage.pem"), "garbage\n");
    good = {
      ...DEFAULT_TLS_SETTINGS,
      port: 1,
      certFile: files.cert,
      keyFile: files.key,
      caCertFile: files.caCert,
    };
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("builds a server context, used by the links too without a client pair", () => {
    const contexts = buildTlsContexts(good);
    expect(contexts.authClients).to.equal("yes");
    expect(contexts.sessionTimeout).to.equal(300);
    expect(contexts.server.cert).to.deep.equal(fs.readFileSync(files.cert));
    expect(contexts.client).to.be.an.instanceOf(Object);
  });

  it("uses the client pair for the links when both client files are given", () => {
    const withClient = buildTlsContexts({
      ...good,
      clientCertFile: files.strangerCert,
      clientKeyFile: files.strangerKey,
    });
    const plain = buildTlsContexts(good);
    expect(withClient.client).to.not.equal(plain.client);
    // Only one of the two is not enough (tls.c: client_cert_file && client_key_file).
    expect(() => buildTlsContexts({ ...good, clientCertFile: files.strangerCert })).to.not.throw();
  });

  it("fails as redis-sentinel does, with its log line, for each bad setting", () => {
    const g = garbage();
    const cases: [Partial<TlsSettings>, string[], RegExp | null][] = [
      [{ certFile: g }, [`tls-cert-file ${g}`, `tls-key-file ${files.key}`], null],
      [{ keyFile: files.strangerKey }, [`tls-key-file ${files.strangerKey}`], null],
      [{ caCertFile: g }, [`tls-ca-cert-file ${g}`], null],
      [{ protocols: "TLSv9" }, ["tls-protocols TLSv9"], null],
      [{ ciphers: "NOPE" }, ["tls-ciphers NOPE"], null],
      [{ ciphersuites: "NOPE" }, ["tls-ciphersuites NOPE"], null],
      [{ caCertFile: "" }, [], null],
      [{ certFile: "" }, ["tls-cert-file ''"], null],
      // A missing file: Redis prints OpenSSL's system error, Vigil the system error alone.
      [
        { certFile: "/nonexistent.crt" },
        ["tls-cert-file /nonexistent.crt"],
        /^Failed to load certificate: \/nonexistent.crt: .*no such file or directory$/i,
      ],
    ];
    for (const [change, lines, pattern] of cases) {
      const settings = { ...good, ...change };
      const base = [`tls-cert-file ${files.cert}`, `tls-key-file ${files.key}`];
      const caLine = change.caCertFile === "" ? [] : [`tls-ca-cert-file ${files.caCert}`];
      const expected = redisLine(dir, [...base, ...caLine, ...lines]);
      const got = failure(settings);
      if (pattern === null) expect(got, JSON.stringify(change)).to.equal(expected);
      else {
        expect(expected).to.match(pattern);
        expect(got).to.match(pattern);
      }
    }
  });

  it("needs no CA under tls-auth-clients no without TLS links", () => {
    expect(() => buildTlsContexts({ ...good, caCertFile: "", authClients: "no" })).to.not.throw();
    expect(failure({ ...good, caCertFile: "", authClients: "no", replication: true })).to.match(
      /^Either tls-ca-cert-file or tls-ca-cert-dir/,
    );
  });

  it("reads a CA directory (every PEM certificate in it)", () => {
    const caDir = path.join(dir, "cadir");
    fs.mkdirSync(caDir, { recursive: true });
    fs.copyFileSync(files.caCert, path.join(caDir, "ca.pem"));
    fs.writeFileSync(path.join(caDir, "README"), "not a certificate\n");
    expect(() => buildTlsContexts({ ...good, caCertFile: "", caCertDir: caDir })).to.not.throw();
    expect(failure({ ...good, caCertFile: "", caCertDir: path.join(dir, "none") })).to.match(
      /^Failed to configure CA certificate\(s\) file\/directory: /,
    );
  });

  it("parses tls-protocols like Redis: any case, single spaces, TLSv1.2 and TLSv1.3 by default", () => {
    const all =
      constants.SSL_OP_NO_TLSv1 |
      constants.SSL_OP_NO_TLSv1_1 |
      constants.SSL_OP_NO_TLSv1_2 |
      constants.SSL_OP_NO_TLSv1_3;
    expect(protocolOptions("")).to.equal(constants.SSL_OP_NO_TLSv1 | constants.SSL_OP_NO_TLSv1_1);
    expect(protocolOptions("tlsv1.3")).to.equal(all & ~constants.SSL_OP_NO_TLSv1_3);
    expect(protocolOptions("TLSv1 TLSv1.1")).to.equal(
      constants.SSL_OP_NO_TLSv1_2 | constants.SSL_OP_NO_TLSv1_3,
    );
    expect(() => protocolOptions("TLSv1.2  TLSv1.3")).to.throw(TlsConfigError);
  });

  it("turns Node's OpenSSL errors into the form Redis logs", () => {
    expect(
      shortReason(
        "80CC0982B57F0000:error:0A0000C7:SSL routines:tls_process_client_certificate:peer did not return a certificate:../deps/openssl/ssl/statem.c:3",
      ),
    ).to.equal("error:0A0000C7:SSL routines::peer did not return a certificate");
  });

  it("refuses TLS 1.2 ciphers only as Redis would (TLS 1.3 suites stay on)", () => {
    const contexts = buildTlsContexts({ ...good, ciphers: "ECDHE-RSA-AES128-GCM-SHA256" });
    expect(String(contexts.server.ciphers)).to.match(/^TLS_.*:ECDHE-RSA-AES128-GCM-SHA256$/);
    expect(tls.DEFAULT_CIPHERS).to.include("TLS_");
  });

  function garbage(): string {
    return path.join(dir, "garbage.pem");
  }
});
