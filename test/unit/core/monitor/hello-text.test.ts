// formatHello's memory of each master's last hello text (hello.ts: lastHellos): the same text
// while every field holds, and the new one as soon as any field of the hello changes (a field
// left out of the memory's comparison fails here; a string's identity cannot be seen from JS).
import { expect } from "chai";
import { ReadyBuilder } from "../../../../src/core/model/context.js";
import { formatHello } from "../../../../src/core/monitor/hello.js";
import { Driver, MY_ID } from "../core-driver.js";

describe("hello: the text kept per master", () => {
  it("hands out the same text while its fields hold, and a new one as soon as one changes", () => {
    const d = new Driver();
    const m = d.master();
    m.link.localIp = "10.9.9.9";
    const ctx = { now: 0, state: d.state, random: { int: () => 0 }, out: new ReadyBuilder() };
    const first = formatHello(ctx, m, m);
    expect(formatHello(ctx, m, m))
      .to.equal(first)
      .and.not.equal(null);
    const changes: [string, () => void, string][] = [
      [
        "current epoch",
        () => (d.state.currentEpoch = 3n),
        `10.9.9.9,26379,${MY_ID},3,mymaster,10.0.0.1,6379,0`,
      ],
      [
        "config epoch",
        () => (m.configEpoch = 2n),
        `10.9.9.9,26379,${MY_ID},3,mymaster,10.0.0.1,6379,2`,
      ],
      [
        "master address",
        () => (m.addr = { ip: "10.0.0.7", port: 6390 }),
        `10.9.9.9,26379,${MY_ID},3,mymaster,10.0.0.7,6390,2`,
      ],
      [
        "local address",
        () => (m.link.localIp = "10.9.9.8"),
        `10.9.9.8,26379,${MY_ID},3,mymaster,10.0.0.7,6390,2`,
      ],
      [
        "announce-ip",
        () => (d.state.global = { ...d.state.global, announceIp: "192.0.2.1" }),
        `192.0.2.1,26379,${MY_ID},3,mymaster,10.0.0.7,6390,2`,
      ],
      [
        "announce-port",
        () => (d.state.global = { ...d.state.global, announcePort: 5000 }),
        `192.0.2.1,5000,${MY_ID},3,mymaster,10.0.0.7,6390,2`,
      ],
    ];
    for (const [what, change, expected] of changes) {
      change();
      expect(formatHello(ctx, m, m), what).to.equal(expected);
    }
  });
});
