// Proves the shell's HostResolver (resolve-hostnames yes): a lookup's first address is the answer
// and a failure is logged as redis-sentinel logs it; the `resolve` command answers with a
// host-resolved input; at start-up every configured name (master, known replicas and sentinels)
// is looked up once, and none at all with resolve-hostnames off.
import { expect } from "chai";
import type { SentinelConfig } from "../../../src/core/model/config.js";
import { DEFAULT_GLOBAL_SETTINGS, defaultMasterSettings } from "../../../src/core/model/config.js";
import type { Input } from "../../../src/core/model/inputs.js";
import { HostResolver } from "../../../src/shell/host-resolver.js";
import { createLogger } from "../../../src/shell/logger.js";

function fixture(): { resolver: HostResolver; lines: string[]; asked: string[] } {
  const lines: string[] = [];
  const asked: string[] = [];
  const logger = createLogger({
    level: "notice",
    logfile: "",
    destination: { write: (line: string) => lines.push(line) },
  });
  const resolver = new HostResolver(logger, (host) => {
    asked.push(host);
    return host === "db.example"
      ? Promise.resolve("10.0.0.1")
      : Promise.reject(new Error("ENOTFOUND"));
  });
  return { resolver, lines, asked };
}

function config(resolveHostnames: boolean): SentinelConfig {
  return {
    myId: "",
    currentEpoch: 0n,
    global: { ...DEFAULT_GLOBAL_SETTINGS, resolveHostnames },
    masters: [
      {
        name: "m",
        addr: { ip: "DB.example", port: 6379 },
        settings: defaultMasterSettings(2),
        configEpoch: 0n,
        leaderEpoch: 0n,
        knownReplicas: [
          { ip: "10.0.0.2", port: 6379 },
          { ip: "gone.example", port: 6379 },
        ],
        knownSentinels: [{ addr: { ip: "db.example", port: 26379 }, runId: "a".repeat(40) }],
      },
    ],
  };
}

describe("HostResolver", () => {
  it("answers a resolve command with host-resolved, null and a warning when it fails", async () => {
    const { resolver, lines } = fixture();
    const inputs: Input[] = [];
    await new Promise<void>((done) => {
      resolver.resolve("db.example", (input) => {
        inputs.push(input);
        resolver.resolve("gone.example", (second) => {
          inputs.push(second);
          done();
        });
      });
    });
    expect(inputs).to.deep.equal([
      { type: "host-resolved", host: "db.example", ip: "10.0.0.1" },
      { type: "host-resolved", host: "gone.example", ip: null },
    ]);
    expect(lines.join("")).to.include("Failed to resolve hostname 'gone.example'");
  });

  it("looks every configured name up once before start, none with resolve-hostnames off", async () => {
    const { resolver, asked } = fixture();
    const found = await resolver.lookupConfigured(config(true));
    expect([...found]).to.deep.equal([
      ["db.example", "10.0.0.1"],
      ["gone.example", null],
    ]);
    expect(asked.sort()).to.deep.equal(["db.example", "gone.example"]);
    expect([...(await resolver.lookupConfigured(config(false)))]).to.deep.equal([]);
    expect(asked).to.have.length(2);
  });
});
