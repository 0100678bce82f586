// SIGHUP re-reads the TLS certificates (Vigil's own: redis-sentinel 7.0 needs a restart, and
// SENTINEL CONFIG SET refuses tls-* parameters). A client connected before the reload keeps
// its connection; a new connection sees the new certificate; a broken certificate at reload is
// logged with the start's reason line and the previous certificate stays in use; with
// tls-replication yes, new links take the reloaded client pair. redis-sentinel 7.0.15 runs beside:
// its SIGHUP changes nothing.
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { expect } from "chai";
import { RedisProcess } from "./harness/redis-process.js";
import { RespConnection, RespError, sendCommand } from "./harness/resp-client.js";
import { SentinelProcess, type SentinelImpl } from "./harness/sentinel-process.js";
import { OPENSSL_BIN, makeTlsFiles, tlsClientOptions, type TlsFiles } from "./harness/tls-files.js";
import { delay, waitFor } from "./harness/wait-for.js";

const NAME = "mymaster";

function openssl(args: readonly string[], cwd: string): void {
  execFileSync(OPENSSL_BIN, args, { cwd, stdio: ["ignore", "ignore", "pipe"], timeout: 30_000 });
}

/** A second server pair signed by the test CA, with its own subject (O=<org>) and serial. */
function makePair(files: TlsFiles, org: string): { cert: Buffer; key: Buffer } {
  const dir = files.dir;
  openssl(
    ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${org}.key`, "-out", `${org}.csr`].concat([
      "-subj",
      `/CN=localhost/O=${org}`,
    ]),
    dir,
  );
  openssl(
    ["x509", "-req", "-in", `${org}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key"].concat([
      "-CAcreateserial",
      "-out",
      `${org}.crt`,
      "-extfile",
      "san.ext",
      "-days",
      "30",
    ]),
    dir,
  );
  return {
    cert: fs.readFileSync(path.join(dir, `${org}.crt`)),
    key: fs.readFileSync(path.join(dir, `${org}.key`)),
  };
}

/**
 * The serial and organization of the certificate a new TLS connection is served, once that
 * connection has answered a PING (so that the server sees a whole handshake, then a clean end).
 */
function served(port: number, options: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ ...options, host: "127.0.0.1", port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`TLS PING on :${port} timed out`));
    }, 5_000);
    let seen = "";
    socket.once("secureConnect", () => {
      const peer = socket.getPeerCertificate();
      seen = `${peer.serialNumber} O=${String(peer.subject.O ?? "")}`;
      socket.write("PING\r\n");
    });
    socket.once("data", (data: Buffer) => {
      clearTimeout(timer);
      socket.end();
      if (data.toString() === "+PONG\r\n") resolve(seen);
      else reject(new Error(`PING answered ${JSON.stringify(data.toString())}`));
    });
    socket.once("error", (err: Error) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

function serialOf(cert: Buffer, org: string): string {
  return `${new crypto.X509Certificate(cert).serialNumber} O=${org}`;
}

describe("TLS reload on SIGHUP", function () {
  this.timeout(60_000);
  let master: RedisProcess;
  let sentinel: SentinelProcess | undefined;

  before(async function () {
    master = await RedisProcess.start();
  });

  afterEach(async function () {
    if (sentinel !== undefined) {
      if (this.currentTest?.state === "failed") console.log(sentinel.logs(30));
      await sentinel.cleanup();
      sentinel = undefined;
    }
  });

  after(async function () {
    await master.cleanup();
  });

  interface Setup {
    readonly s: SentinelProcess;
    readonly files: TlsFiles;
    readonly first: { cert: Buffer; key: Buffer };
    readonly second: { cert: Buffer; key: Buffer };
    readonly client: tls.ConnectionOptions;
  }

  /** A sentinel on TLS serving its own copy of a first pair; a second pair made ready. */
  async function setUp(impl: SentinelImpl): Promise<Setup> {
    const shared = makeTlsFiles(path.join(master.dir, "tls"));
    // The sentinel's own copies, replaced by the test.
    const files: TlsFiles = {
      ...shared,
      cert: path.join(shared.dir, `${impl}-served.crt`),
      key: path.join(shared.dir, `${impl}-served.key`),
    };
    const first = makePair(shared, `${impl}-First`);
    const second = makePair(shared, `${impl}-Second`);
    fs.writeFileSync(files.cert, first.cert);
    fs.writeFileSync(files.key, first.key);
    sentinel = await SentinelProcess.start({
      impl,
      tls: files,
      monitors: [{ name: NAME, port: master.port, quorum: 1 }],
      // The master is plain: only the listener is under test.
      extraConfig: ["tls-replication no"],
    });
    return { s: sentinel, files, first, second, client: tlsClientOptions(shared) };
  }

  /** SENTINEL CONFIG SET tls-cert-file: refused by both (a reload is not offered there). */
  async function configSetRefused(s: SentinelProcess, client: tls.ConnectionOptions, file: string) {
    const reply = await sendCommand(
      s.port,
      ["SENTINEL", "CONFIG", "SET", "tls-cert-file", file],
      2_000,
      client,
    );
    expect(reply).to.be.instanceOf(RespError);
    expect((reply as RespError).message).to.equal(
      "ERR Invalid argument 'tls-cert-file' to SENTINEL CONFIG SET",
    );
  }

  it("redis: SIGHUP changes nothing, the certificate of the start stays served", async () => {
    const { s, files, first, second, client } = await setUp("redis");
    const pid = s.pid;
    if (pid === undefined) throw new Error("no pid");
    expect(await served(s.port, client)).to.equal(serialOf(first.cert, "redis-First"));
    fs.writeFileSync(files.cert, second.cert);
    fs.writeFileSync(files.key, second.key);
    await configSetRefused(s, client, files.cert);
    process.kill(pid, "SIGHUP");
    await delay(500);
    expect(s.running).to.equal(true);
    expect(await served(s.port, client)).to.equal(serialOf(first.cert, "redis-First"));
  });

  it("vigil: new connections get the new certificate, old ones stay; a broken one keeps the old", async () => {
    const { s, files, first, second, client } = await setUp("vigil");
    const pid = s.pid;
    if (pid === undefined) throw new Error("no pid");
    expect(await served(s.port, client)).to.equal(serialOf(first.cert, "vigil-First"));
    const before = await RespConnection.connect(s.port, 2_000, "127.0.0.1", client);
    try {
      expect(await before.call(["PING"])).to.equal("PONG");

      fs.writeFileSync(files.cert, second.cert);
      fs.writeFileSync(files.key, second.key);
      await configSetRefused(s, client, files.cert);
      process.kill(pid, "SIGHUP");
      const log = (): string => fs.readFileSync(s.logPath, "utf8");
      const renewed = serialOf(second.cert, "vigil-Second");
      await waitFor(
        "the new certificate served",
        async () => (await served(s.port, client)) === renewed,
      );
      expect(log()).to.match(/\* TLS certificates reloaded\n/);
      expect(await before.call(["PING"])).to.equal("PONG");

      fs.writeFileSync(files.cert, "garbage\n");
      process.kill(pid, "SIGHUP");
      await waitFor("TLS reload failed in the log", () =>
        log().includes("TLS reload failed: keeping the previous certificates"),
      );
      expect(log()).to.match(
        new RegExp(
          `# Failed to load certificate: ${files.cert.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: error:0480006C:PEM routines::no start line\n`,
        ),
      );
      expect(await served(s.port, client)).to.equal(renewed);
      expect(await before.call(["PING"])).to.equal("PONG");
      expect(s.running).to.equal(true);
      // Handshakes since the start all completed: none was refused or cut.
      expect(log()).not.to.include("Error accepting a client connection");
    } finally {
      before.close();
    }
  });
});

describe("TLS reload on SIGHUP: links (tls-replication yes)", function () {
  this.timeout(60_000);
  let master: RedisProcess | undefined;
  let sentinel: SentinelProcess | undefined;
  let dir: string | undefined;

  afterEach(async function () {
    if (sentinel !== undefined) {
      if (this.currentTest?.state === "failed") console.log(sentinel.logs(30));
      await sentinel.cleanup();
      sentinel = undefined;
    }
    await master?.cleanup();
    master = undefined;
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("vigil: new links take the reloaded client pair (a master refusing the old one is reached)", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vigil-tls-reload-"));
    const files = makeTlsFiles(path.join(dir, "tls"));
    // The master (tls-auth-clients yes) refuses the stranger's self-signed pair.
    master = await RedisProcess.start({ tls: files, dir });
    const clientCert = path.join(files.dir, "client.crt");
    const clientKey = path.join(files.dir, "client.key");
    fs.copyFileSync(files.strangerCert, clientCert);
    fs.copyFileSync(files.strangerKey, clientKey);
    const s = await SentinelProcess.start({
      impl: "vigil",
      tls: files,
      monitors: [{ name: NAME, port: master.port, quorum: 1 }],
      extraConfig: [`tls-client-cert-file "${clientCert}"`, `tls-client-key-file "${clientKey}"`],
    });
    sentinel = s;
    const pid = s.pid;
    if (pid === undefined) throw new Error("no pid");
    const flags = async (): Promise<string> => (await s.master(NAME)).get("flags") ?? "";
    await delay(1_500);
    expect(await flags()).to.include("disconnected");
    fs.copyFileSync(files.cert, clientCert);
    fs.copyFileSync(files.key, clientKey);
    process.kill(pid, "SIGHUP");
    await waitFor(
      "the master's links connected",
      async () => !(await flags()).includes("disconnected"),
    );
    expect((await s.master(NAME)).get("role-reported")).to.equal("master");
  });
});
