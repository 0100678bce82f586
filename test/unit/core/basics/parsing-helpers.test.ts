// Proves the small pure helpers behave like their Redis counterparts: strict integers (string2ll)
// for SET/DEBUG/CONFIG values, C's atoi/strtoull for INFO and hello fields, and IP-literal checks
// for addresses (the one check of the core, the commands and the config loader).
import { expect } from "chai";
import {
  isAcceptableHost,
  isIpLiteral,
  isValidPort,
} from "../../../../src/core/basics/ip-literal.js";
import { atoi, parseStrictInt, strtoull } from "../../../../src/core/basics/redis-int.js";

describe("redis-int", () => {
  it("parses strict integers like string2ll", () => {
    expect(["0", "42", "-7", "9007199254740991"].map(parseStrictInt)).to.deep.equal([
      0,
      42,
      -7,
      Number.MAX_SAFE_INTEGER,
    ]);
    expect(parseStrictInt("-9007199254740991")).to.equal(-Number.MAX_SAFE_INTEGER);
    expect(
      ["", "+1", " 1", "1 ", "01", "1.5", "abc", "-0", "9223372036854775808"].map(parseStrictInt),
    ).to.deep.equal(Array(9).fill(null));
  });

  it("refuses the integers a number would round (beyond ±(2^53-1))", () => {
    const rounded = [
      "9007199254740992",
      "9007199254740993",
      "9223372036854775807",
      "-9223372036854775808",
    ];
    expect(rounded.map(parseStrictInt)).to.deep.equal([null, null, null, null]);
  });

  it("parses leading digits like atoi and strtoull", () => {
    expect([atoi("6379"), atoi("12abc"), atoi("x"), atoi("-3")]).to.deep.equal([6379, 12, 0, -3]);
    // C's atoi("-0") is 0, not JavaScript's -0 (found by the config fuzzer's deep equality).
    expect(Object.is(atoi("-0"), 0)).to.equal(true);
    expect([strtoull("18446744073709551615"), strtoull("7,"), strtoull("")]).to.deep.equal([
      18446744073709551615n,
      7n,
      0n,
    ]);
  });
});

describe("ip-literal", () => {
  it("accepts IPv4 and IPv6 literals only", () => {
    expect(
      [
        "127.0.0.1",
        "10.0.0.255",
        "::1",
        "fe80::1%eth0",
        "2001:db8::192.168.0.1",
        "1:2:3:4:5:6:7:8",
      ].every(isIpLiteral),
    ).to.equal(true);
    expect(
      ["256.0.0.1", "1.2.3", "localhost", "1:2:3:4:5:6:7:8:9", ":::1", "01.2.3.4", ""].some(
        isIpLiteral,
      ),
    ).to.equal(false);
  });

  it("reads IPv6 as glibc's getaddrinfo (AI_NUMERICHOST) does: the IPv4 part last, no empty zone", () => {
    // Each answer checked against getaddrinfo(..., AI_NUMERICHOST) on this machine.
    expect(["::", "::ffff:1.2.3.4", "1:2:3:4:5:6:7::", "::1.2.3.4"].every(isIpLiteral)).to.equal(
      true,
    );
    expect(["1.2.3.4::", "1:1.2.3.4::", "fe80::1%", "::%", "1::2::3"].some(isIpLiteral)).to.equal(
      false,
    );
  });

  it("accepts hostnames only with resolve-hostnames", () => {
    expect(isAcceptableHost("redis-1.internal", false)).to.equal(false);
    expect(isAcceptableHost("redis-1.internal", true)).to.equal(true);
    expect(isAcceptableHost("bad host", true)).to.equal(false);
  });

  it("accepts ports 0 to 65535", () => {
    expect([0, 6379, 65535].every(isValidPort)).to.equal(true);
    expect([-1, 65536, 1.5].some(isValidPort)).to.equal(false);
  });
});
