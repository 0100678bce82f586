// `npm run demo`, scripted as the README shows it: the demo starts 1 master, 2 replicas and 3
// Vigil sentinels from the built package, asks for a failover after 5 s, keeps writing through
// the sentinels, and after 25 s prints its summary and exits 0 only if the failover happened and
// the new master acknowledged a write after it. Then no process it started may survive.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");
const BOUND_MS = 100_000;

interface Run {
  readonly code: number | null;
  readonly output: string;
}

/** Runs the demo in its own process group; the whole group is SIGKILLed if it outlives the bound. */
function runDemo(args: readonly string[]): Promise<Run> {
  const child = spawn("npm", ["run", "--silent", "demo", "--", ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  return new Promise((done) => {
    const timer = setTimeout(() => {
      output += `\n(test: the demo ran over ${BOUND_MS} ms, its process group was killed)`;
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    }, BOUND_MS);
    child.once("exit", (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

/** Whether `pid` is still one of the demo's redis-server or Vigil processes. */
function demoProcessAlive(pid: number): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return /redis-server|redis-sentinel|dist\/main\.js/.test(cmdline);
  } catch {
    return false;
  }
}

describe("npm run demo (scripted)", function () {
  this.timeout(BOUND_MS + 10_000);

  it("fails over after 5 s, writes on the new master after the switch, and leaves no process behind", async () => {
    const { code, output } = await runDemo(["--failover-after", "5", "--exit-after", "25"]);
    const context = `demo output:\n${output}`;
    const started = [...output.matchAll(/^demo: started (redis-server|sentinel) \S+ pid (\d+)$/gm)];
    expect(
      started.map((m) => m[1]),
      context,
    ).to.deep.equal([
      "redis-server",
      "redis-server",
      "redis-server",
      "sentinel",
      "sentinel",
      "sentinel",
    ]);
    const failover = /^ {2}failover seen: 127\.0\.0\.1:(\d+) -> 127\.0\.0\.1:(\d+) at /m.exec(
      output,
    );
    expect(failover, context).to.not.equal(null);
    const [, from, to] = failover!;
    expect(from, context).to.not.equal(to);
    const write =
      /^ {2}last acknowledged write after the switch: demo:counter=(\d+) at \S+ by 127\.0\.0\.1:(\d+)$/m.exec(
        output,
      );
    expect(write, context).to.not.equal(null);
    expect(write![2], context).to.equal(to);
    expect(
      Number(/^ {2}acknowledged writes: (\d+)$/m.exec(output)?.[1]),
      context,
    ).to.be.greaterThan(0);
    expect(code, context).to.equal(0);
    const survivors = started.map((m) => Number(m[2])).filter(demoProcessAlive);
    expect(survivors, context).to.deep.equal([]);
    const dir = /^demo: starting .* in (\S+)$/m.exec(output)?.[1] ?? "";
    expect(dir, context).to.not.equal("");
    expect(existsSync(dir), `${dir} removed`).to.equal(false);
  });
});
