// Proves the in-process RESP server numbers clients as redis-sentinel 7.0.15 does (the first is
// id 3; a connection refused past maxclients takes no id) and that such a refused connection,
// which carries the id the next accepted one gets, closing later drops nothing of that one (its
// subscriptions still receive).
import { expect } from "chai";
import { rawConnection } from "./harness/raw-connection.js";
import type { RespServer } from "../../src/shell/resp-server.js";
import { TestHost, startOurs } from "./support/resp-server-kit.js";

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 3_000;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`no ${what} within 3 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("client ids and maxclients (in-process server, e2e)", () => {
  let server: RespServer;
  afterEach(async () => {
    await server.close();
  });

  it("starts at 3, skips refused connections, and a refused one's close drops nothing", async () => {
    server = await startOurs(new TestHost(), { maxClients: 1 });
    const port = server.address().port;
    const a = await rawConnection(port);
    a.socket.write("CLIENT ID\r\n");
    await until(() => a.received() === ":3\r\n", "id 3");
    const refused = await rawConnection(port, true);
    await until(() => refused.received() !== "", "refusal");
    expect(refused.received()).to.equal("-ERR max number of clients reached\r\n");
    a.socket.destroy();
    await until(() => server.stats().connectedClients === 0, "a closed");
    const c = await rawConnection(port);
    c.socket.write("CLIENT ID\r\n");
    await until(() => c.received() === ":4\r\n", "id 4");
    refused.socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    c.socket.write("SUBSCRIBE +x\r\n");
    await until(() => c.received().endsWith(":1\r\n"), "subscribed");
    expect(server.publish("+x", "m")).to.equal(1);
    await until(() => c.received().endsWith("$1\r\nm\r\n"), "message");
    c.socket.destroy();
  });
});
