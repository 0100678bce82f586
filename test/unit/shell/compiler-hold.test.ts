// Proves the hold on V8's compilers to machine code (compiler-hold.ts): a function made hot while
// they are held stays interpreted (neither baseline nor optimized code); it is optimized once
// they are released, by release() or once scavenges come BUSY_SCAVENGES within BUSY_WINDOW_MS;
// a flag about the compilers given to node wins (nothing held).
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import {
  BUSY_SCAVENGES,
  BUSY_WINDOW_MS,
  busy,
  compilerFlagGiven,
} from "../../../src/shell/compiler-hold.js";

/**
 * In a child node: holds the compilers, makes `hot` hot, then lets them back (`how`), and prints
 * `held=<state> released=<state>`, each state `interpreted`, `baseline` or `optimized`.
 */
function heldThenReleased(how: "release" | "busy", nodeFlags: readonly string[] = []): string {
  const module = JSON.stringify(join(import.meta.dirname, "../../../src/shell/compiler-hold.ts"));
  const child = `
    import { holdCompilers } from ${module};
    // V8's %GetOptimizationStatus bits: 16 optimized (Maglev or TurboFan), 32768 baseline.
    const status = new Function("f", "return %GetOptimizationStatus(f)");
    const state = (f) =>
      (status(f) & 16) !== 0 ? "optimized" : (status(f) & 32768) !== 0 ? "baseline" : "interpreted";
    const hot = (n) => { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; };
    const heat = () => { for (let i = 0; i < 1000; i++) hot(1000); };
    let garbage = [];
    // Young garbage, a scavenge's worth many times over.
    const allocate = () => { for (let i = 0; i < 200000; i++) garbage = [garbage.length, {}]; };
    const hold = holdCompilers();
    heat();
    const held = state(hot);
    ${how === "release" ? "hold.release();" : "hold.releaseWhenBusy();"}
    let released = held;
    for (let round = 0; round < 100 && released !== "optimized"; round++) {
      ${how === "busy" ? "allocate();" : ""}
      heat();
      await new Promise((r) => setTimeout(r, 10));
      released = state(hot);
    }
    process.stdout.write(\`held=\${held} released=\${released}\`);
  `;
  const r = spawnSync(
    process.execPath,
    [...nodeFlags, "--allow-natives-syntax", "--import", "tsx", "--input-type=module", "-e", child],
    { encoding: "utf8", timeout: 60_000 },
  );
  expect(r.status, r.stderr).to.equal(0);
  return r.stdout;
}

describe("compiler hold", () => {
  it("keeps a function made hot during the hold interpreted, and optimizes it once released", () => {
    expect(heldThenReleased("release")).to.equal("held=interpreted released=optimized");
  });

  it("lets the compilers back once scavenges come often (a busy daemon)", () => {
    expect(heldThenReleased("busy")).to.equal("held=interpreted released=optimized");
  });

  it("a hot function is compiled without the hold (what the tests above hold off)", () => {
    expect(heldThenReleased("release", ["--opt"])).to.equal("held=optimized released=optimized");
  });

  it("busy: BUSY_SCAVENGES scavenges within BUSY_WINDOW_MS, not fewer, not slower", () => {
    const every = (count: number, ms: number): number[] =>
      Array.from({ length: count }, (_, i) => 5_000 + i * ms);
    const step = BUSY_WINDOW_MS / BUSY_SCAVENGES;
    expect(busy(every(BUSY_SCAVENGES, step * 0.9))).to.equal(true);
    expect(busy(every(BUSY_SCAVENGES - 1, 10))).to.equal(false);
    expect(busy(every(BUSY_SCAVENGES, step * 1.1))).to.equal(false);
    // The start's burst of a few scavenges does not count.
    expect(busy(every(4, 20))).to.equal(false);
  });

  it("holds nothing when node is given a flag about the compilers", () => {
    const given = ["--no-opt", "--max-opt=1", "--turbofan", "--maglev", "--sparkplug", " --no_opt"];
    for (const flags of given) expect(compilerFlagGiven(flags), flags).to.equal(true);
    for (const flags of [
      "",
      "--optimize-for-size",
      "--max-semi-space-size=1",
      "--stack-size=900",
    ]) {
      expect(compilerFlagGiven(flags), flags).to.equal(false);
    }
  });
});
