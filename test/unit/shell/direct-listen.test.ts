// Proves listenOn (direct-listen.ts): an IP address is bound without net.Server#listen's detours
// (in a child node, listening on `0.0.0.0` and on `::` IPv6-only, on one port as the default
// `* -::*` does, never loads node:cluster, which listen() loads for every listener: issue #18's
// one-master peak RSS), and listening goes on as listen()'s: the same 'listening' address, the
// same error for a port in use, a host name or a string that is no address left to listen()
// (getaddrinfo's error).
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import type { AddressInfo, Server } from "node:net";
import { createServer } from "node:net";
import { join } from "node:path";
import { ipFamily, listenOn } from "../../../src/shell/direct-listen.js";

/** 'listening' (the address) or 'error' (the error), whichever comes first; bounded. */
function outcome(server: Server): Promise<AddressInfo | NodeJS.ErrnoException> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error("neither 'listening' nor 'error'"));
    }, 5000);
    server.once("listening", () => {
      clearTimeout(timer);
      resolve(server.address() as AddressInfo);
    });
    server.once("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(err);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) resolve();
    else
      server.close(() => {
        resolve();
      });
  });
}

/** What an error says, as a daemon's log line reads it (daemon.ts: logListenFailure). */
function shape(err: AddressInfo | NodeJS.ErrnoException): Record<string, unknown> {
  expect(err).to.be.instanceOf(Error);
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string };
  return {
    message: e.message,
    code: e.code,
    syscall: e.syscall,
    address: e.address,
    port: e.port,
    hostname: e.hostname,
  };
}

describe("direct listen", () => {
  it("binds 0.0.0.0 and :: (IPv6 only) on one port without loading node:cluster", () => {
    const module = JSON.stringify(join(import.meta.dirname, "../../../src/shell/direct-listen.ts"));
    const child = `
      import { createServer } from "node:net";
      import { listenOn } from ${module};
      const listening = (server) => new Promise((resolve, reject) => {
        server.once("listening", () => resolve(server.address()));
        server.once("error", reject);
      });
      const v4 = createServer();
      listenOn(v4, "0.0.0.0", 0, false, 511);
      const a = await listening(v4);
      const v6 = createServer();
      listenOn(v6, "::", a.port, true, 511);
      const b = await listening(v6);
      const loaded = process.moduleLoadList.filter((m) => m === "NativeModule cluster");
      process.stdout.write(JSON.stringify({ a, b: { ...b, samePort: b.port === a.port }, loaded }));
      v4.close();
      v6.close();
    `;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", child], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status, r.stderr).to.equal(0);
    const seen = JSON.parse(r.stdout) as {
      a: AddressInfo;
      b: AddressInfo & { samePort: boolean };
      loaded: string[];
    };
    expect(seen.a.address).to.equal("0.0.0.0");
    expect(seen.b.address).to.equal("::");
    expect(seen.b.samePort, "IPv6-only: the IPv4 listener's port stays free for ::").to.equal(true);
    expect(seen.loaded).to.deep.equal([]);
  });

  it("reports a port in use with listen()'s error", async () => {
    const holder = createServer();
    holder.listen(0, "127.0.0.1");
    const held = (await outcome(holder)) as AddressInfo;
    const direct = createServer();
    const viaListen = createServer();
    try {
      listenOn(direct, "127.0.0.1", held.port, false, 511);
      viaListen.listen({ port: held.port, host: "127.0.0.1", exclusive: true, backlog: 511 });
      const [a, b] = await Promise.all([outcome(direct), outcome(viaListen)]);
      expect(shape(a)).to.deep.equal(shape(b));
      expect(shape(a)["code"]).to.equal("EADDRINUSE");
    } finally {
      await Promise.all([close(holder), close(direct), close(viaListen)]);
    }
  });

  it("leaves what is no address to listen(): getaddrinfo's error, a host name resolved", async () => {
    const direct = createServer();
    const viaListen = createServer();
    listenOn(direct, "::zz", 0, true, 511);
    viaListen.listen({ port: 0, host: "::zz", ipv6Only: true, exclusive: true, backlog: 511 });
    const [a, b] = await Promise.all([outcome(direct), outcome(viaListen)]);
    expect(shape(a)).to.deep.equal(shape(b));
    expect(shape(a)["syscall"]).to.equal("getaddrinfo");
    const named = createServer();
    try {
      listenOn(named, "localhost", 0, false, 511);
      const bound = await outcome(named);
      expect(bound).to.not.be.instanceOf(Error);
    } finally {
      await close(named);
    }
  });

  it("ipFamily: 4 or 6 for what libuv binds as given, 0 for the rest", () => {
    expect(ipFamily("0.0.0.0")).to.equal(4);
    expect(ipFamily("127.0.0.1")).to.equal(4);
    expect(ipFamily("::")).to.equal(6);
    expect(ipFamily("::1")).to.equal(6);
    expect(ipFamily("::ffff:127.0.0.1")).to.equal(6);
    expect(ipFamily("fe80::1%lo")).to.equal(6);
    for (const other of ["localhost", "::zz", "127.1", "256.0.0.1", "", "1.2.3.4 "])
      expect(ipFamily(other), other).to.equal(0);
  });
});
