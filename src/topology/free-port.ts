// Free ports (free on every address) for local processes (the demo, tests, benchmarks). Ports are drawn from
// 20000–32000, below Linux's ephemeral range (32768+), so outgoing connections never steal one
// between the probe and the server's bind; a port is never handed out twice within one process.
import { TopologyError } from "../errors.js";
import net from "node:net";

const LOW = 20_000;
const HIGH = 32_000;
const handedOut = new Set<number>();

/**
 * Whether the port is free on every local address: the probe binds the wildcard (dual-stack `::`,
 * or `0.0.0.0` without IPv6), which fails while any address holds the port. A probe of
 * 127.0.0.1 alone passed ports that a stand-in on 127.0.0.2 or a process bound to `*` held, and
 * Vigil and redis-sentinel listen on every address by default.
 */
export async function portIsFree(port: number): Promise<boolean> {
  const wildcard = await tryBind("::", port);
  return wildcard === "no-ipv6" ? (await tryBind("0.0.0.0", port)) === "free" : wildcard === "free";
}

function tryBind(host: string, port: number): Promise<"free" | "taken" | "no-ipv6"> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once("error", (err: NodeJS.ErrnoException) => {
      const noIpv6 = err.code === "EAFNOSUPPORT" || err.code === "EADDRNOTAVAIL";
      resolve(host === "::" && noIpv6 ? "no-ipv6" : "taken");
    });
    server.listen({ host, port, exclusive: true }, () => {
      server.close(() => {
        resolve("free");
      });
    });
  });
}

/** One loopback port that is free now and was not handed out before in this process. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await portIsFree(port)) return port;
  }
  throw new TopologyError(`no free loopback port found in ${LOW}-${HIGH} after 200 attempts`);
}

/** `count` distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) ports.push(await freePort());
  return ports;
}
