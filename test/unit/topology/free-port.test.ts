// Proves the port picker's probe: a port held on any local address (another loopback address,
// the wildcard) is not free, as Vigil and redis-sentinel bind every address by default.
import { expect } from "chai";
import net from "node:net";
import { freePort, portIsFree } from "../../../src/topology/free-port.js";

async function hold(host: string, port: number): Promise<net.Server> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port, exclusive: true }, resolve);
  });
  return server;
}

async function release(server: net.Server): Promise<void> {
  await new Promise((resolve) => server.close(resolve));
}

describe("free ports", () => {
  for (const host of ["127.0.0.2", "127.0.0.1", "0.0.0.0"]) {
    it(`calls a port held on ${host} taken, and free once it is let go`, async () => {
      const port = await freePort();
      const server = await hold(host, port);
      try {
        expect(await portIsFree(port)).to.equal(false);
      } finally {
        await release(server);
      }
      expect(await portIsFree(port)).to.equal(true);
    });
  }
});
