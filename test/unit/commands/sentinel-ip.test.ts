// Proves SENTINEL MONITOR's address check accepts what getaddrinfo(AI_NUMERICHOST) accepts and
// records what inet_ntop prints: inet_aton's IPv4 forms and canonical IPv6 text.
import { expect } from "chai";
import { canonicalIpv4, canonicalIpv6, monitorHost } from "../../../src/commands/sentinel-ip.js";

describe("canonicalIpv4", () => {
  it("accepts inet_aton's one- to four-part forms in decimal, octal and hex", () => {
    expect(canonicalIpv4("10.0.0.1")).to.equal("10.0.0.1");
    expect(canonicalIpv4("127.1")).to.equal("127.0.0.1");
    expect(canonicalIpv4("10.1.2")).to.equal("10.1.0.2");
    expect(canonicalIpv4("0x7f.1")).to.equal("127.0.0.1");
    expect(canonicalIpv4("010.0.0.1")).to.equal("8.0.0.1");
    expect(canonicalIpv4("16777217")).to.equal("1.0.0.1");
  });

  it("rejects out-of-range parts, empty parts, bad digits and names", () => {
    for (const bad of [
      "256.0.0.1",
      "1.2.3.4.5",
      "1..2",
      "",
      "09.1.1.1",
      "1.2.3.256",
      "1.16777216",
      "localhost",
      "1.2.3.4 ",
    ]) {
      expect(canonicalIpv4(bad), bad).to.equal(null);
    }
  });
});

describe("canonicalIpv6", () => {
  it("compresses the longest zero run, lower-cases and drops leading zeros", () => {
    expect(canonicalIpv6("0:0:0:0:0:0:0:1")).to.equal("::1");
    expect(canonicalIpv6("2001:DB8:0000:0:1:0:0:1")).to.equal("2001:db8::1:0:0:1");
    expect(canonicalIpv6("2001:db8:0:0:1:0:0:0")).to.equal("2001:db8:0:0:1::");
    expect(canonicalIpv6("::")).to.equal("::");
    expect(canonicalIpv6("1:0:2:3:4:5:6:7")).to.equal("1:0:2:3:4:5:6:7");
  });

  it("prints embedded IPv4 for mapped addresses", () => {
    expect(canonicalIpv6("::ffff:10.0.0.1")).to.equal("::ffff:10.0.0.1");
    expect(canonicalIpv6("0:0:0:0:0:ffff:a00:1")).to.equal("::ffff:10.0.0.1");
  });

  it("rejects malformed literals", () => {
    for (const bad of [
      "1:::2",
      "1::2::3",
      "12345::1",
      "1:2:3:4:5:6:7",
      "1:2:3:4:5:6:7:8:9",
      "::g",
      "::1.2.3",
    ]) {
      expect(canonicalIpv6(bad), bad).to.equal(null);
    }
  });
});

describe("monitorHost", () => {
  it("accepts IP literals always and plausible hostnames only with resolve-hostnames", () => {
    expect(monitorHost("127.1", false)).to.equal("127.0.0.1");
    expect(monitorHost("db-1.example", false)).to.equal(null);
    expect(monitorHost("db-1.example", true)).to.equal("db-1.example");
    expect(monitorHost("bad host", true)).to.equal(null);
  });
});
