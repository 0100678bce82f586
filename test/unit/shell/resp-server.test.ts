// Proves the RESP server's pure helpers: Redis 7's bind syntax (`*`, `::*`, `-` optional) and
// the loopback test protected mode relies on (connIsLocal).
import { expect } from "chai";
import { isLoopback, parseBind } from "../../../src/shell/resp-server.js";

describe("parseBind", () => {
  it("maps Redis's default `* -::*` to all IPv4 and, optionally, all IPv6 interfaces", () => {
    expect(parseBind(["*", "-::*"])).to.deep.equal([
      { host: "0.0.0.0", ipv6Only: false, optional: false },
      { host: "::", ipv6Only: true, optional: true },
    ]);
  });

  it("keeps explicit addresses and marks `-` ones optional", () => {
    expect(parseBind(["127.0.0.1", "-::1"])).to.deep.equal([
      { host: "127.0.0.1", ipv6Only: false, optional: false },
      { host: "::1", ipv6Only: true, optional: true },
    ]);
  });
});

describe("isLoopback", () => {
  it("accepts 127.0.0.0/8, ::1 and IPv4-mapped loopback only", () => {
    expect(isLoopback("127.0.0.1")).to.equal(true);
    expect(isLoopback("127.8.9.10")).to.equal(true);
    expect(isLoopback("::1")).to.equal(true);
    expect(isLoopback("::ffff:127.0.0.1")).to.equal(true);
    expect(isLoopback("10.0.0.1")).to.equal(false);
    expect(isLoopback("::ffff:192.168.1.1")).to.equal(false);
    expect(isLoopback(undefined)).to.equal(false);
  });
});
