// The packaging files are checked, not only written: docs/vigil.service passes `systemd-analyze
// verify` (when the tool is installed; otherwise the test says so and checks what it can), its
// ExecStart runs bin/vigil and its config passes --test-config;
// Type=notify works: with NOTIFY_SOCKET (a unix datagram socket read by python3), Vigil sends
// the messages redis-sentinel 7.0.15 sends under `--supervised systemd`, in the same order,
// READY=1 only once the port answers, STOPPING=1 on SIGTERM. docker/Dockerfile's CMD and
// docker/compose.yaml's command run bin/vigil too, on a config that passes --test-config.
// bin/vigil and dist/main.js run the bundle as CommonJS, without Node's ES module loader.
// A running sentinel on the default bind never loads node:cluster (issue #18: direct-listen.ts).
// bin/vigil's first line gives node its flags (issue #18), and the pid started is node's.
import { expect } from "chai";
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { SourceMap, type SourceMapping } from "node:module";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { launcherEnv, launcherFlags, VIGIL_BIN } from "./harness/node-flags.js";
import { VIGIL_ENTRY } from "./harness/sentinel-process.js";
import {
  freePort,
  redisCli,
  stopProcess,
  spawnCaptured,
  waitFor,
} from "./shell-support/processes.js";
import type { CapturedProcess } from "./shell-support/processes.js";
import { buildOnce } from "./harness/build-once.js";

const ROOT = resolve(import.meta.dirname, "../..");
const UNIT = join(ROOT, "docs/vigil.service");

/** `[Section] Key=Value` lines of a unit file (comments and blank lines dropped). */
function parseUnit(text: string): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  let section = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header !== null) {
      section = header[1]!;
      continue;
    }
    const eq = line.indexOf("=");
    expect(eq, `a Key=Value line: ${line}`).to.be.greaterThan(0);
    const key = `${section}.${line.slice(0, eq)}`;
    keys.set(key, [...(keys.get(key) ?? []), line.slice(eq + 1)]);
  }
  return keys;
}

/** The unit's ExecStart, run from this checkout: /opt/vigil is the repository. */
function execStart(): string[] {
  const lines = parseUnit(readFileSync(UNIT, "utf8")).get("Service.ExecStart") ?? [];
  expect(lines).to.have.length(1);
  return lines[0]!.split(/\s+/);
}

/** `bin/vigil <argv> --test-config`, run as the unit and the image run it. */
function testConfig(argv: readonly string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync(VIGIL_BIN, [...argv, "--test-config"], { cwd, encoding: "utf8" });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** A NOTIFY_SOCKET: python3 binds a unix datagram socket and prints each message as JSON. */
class NotifyListener {
  readonly messages: string[] = [];
  private readonly child: ChildProcess;
  readonly path: string;
  constructor(path: string) {
    this.path = path;
    const script = [
      "import json, socket, sys",
      "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
      "s.bind(sys.argv[1])",
      "while True:",
      "    print(json.dumps(s.recv(65536).decode()), flush=True)",
    ].join("\n");
    this.child = spawn("/usr/bin/python3", ["-c", script, path], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let buffered = "";
    this.child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) this.messages.push(JSON.parse(line) as string);
    });
  }
  /** The messages, one per assignment, without systemd-notify's BARRIER=1. */
  assignments(): string[] {
    return this.messages.flatMap((m) => m.split("\n")).filter((m) => m !== "" && m !== "BARRIER=1");
  }
  stop(): void {
    if (this.child.pid !== undefined && this.child.exitCode === null)
      process.kill(this.child.pid, "SIGKILL");
  }
}

describe("packaging: docs/vigil.service, docker/Dockerfile, docker/compose.yaml", function () {
  this.timeout(60_000);
  let tmp = "";
  const cleanup: (() => Promise<void> | void)[] = [];

  before(function () {
    this.timeout(120_000);
    buildOnce();
  });
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), "vigil-packaging-"));
  });
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("vigil.service: systemd-analyze verify, Type=notify, ExecStart = bin/vigil on a config passing --test-config", () => {
    // Verified as installed from this checkout (ExecStart's command must exist).
    const installed = join(tmp, "vigil.service");
    writeFileSync(installed, readFileSync(UNIT, "utf8").replaceAll("/opt/vigil/", `${ROOT}/`));
    const analyze = spawnSync("systemd-analyze", ["verify", installed], {
      encoding: "utf8",
      timeout: 30_000,
    });
    if (analyze.error !== undefined) {
      console.log(
        `      systemd-analyze is not available (${analyze.error.message}): the unit is checked by parsing only`,
      );
    } else {
      expect(
        analyze.status,
        `systemd-analyze verify:\n${analyze.stdout}${analyze.stderr}`,
      ).to.equal(0);
      expect(`${analyze.stdout}${analyze.stderr}`.trim(), "no warning").to.equal("");
    }
    const unit = parseUnit(readFileSync(UNIT, "utf8"));
    expect(unit.get("Service.Type")).to.deep.equal(["notify"]);
    expect(unit.get("Service.NotifyAccess")).to.deep.equal(["all"]);
    const [bin, config, ...rest] = execStart();
    // bin/vigil runs node with its flags on dist/main.js: what the e2e harness runs.
    expect(relative("/opt/vigil", bin!)).to.equal(relative(ROOT, VIGIL_BIN));
    expect(readFileSync(VIGIL_BIN, "utf8")).to.include('require("../dist/main.js")');
    expect(config).to.equal("/etc/vigil/sentinel.conf");
    expect(rest).to.deep.equal(["--supervised", "systemd"]);
    copyFileSync(join(ROOT, "sentinel.conf.example"), join(tmp, "sentinel.conf"));
    const r = testConfig([join(tmp, "sentinel.conf"), ...rest], tmp);
    expect(r, r.out).to.deep.equal({ status: 0, out: "Configuration test passed\n" });
  });

  it("Type=notify: the same messages as redis-sentinel --supervised systemd, READY=1 once serving, STOPPING=1 on SIGTERM", async () => {
    const seen: Record<string, string[]> = {};
    for (const impl of ["redis", "vigil"] as const) {
      const listener = new NotifyListener(join(tmp, `${impl}.sock`));
      cleanup.push(() => {
        listener.stop();
      });
      await waitFor(`${listener.path} bound`, () => existsSync(listener.path));
      const port = await freePort();
      const dir = join(tmp, impl);
      mkdirSync(dir);
      writeFileSync(
        join(dir, "sentinel.conf"),
        `port ${port}\nbind 127.0.0.1\nsentinel monitor m 127.0.0.1 ${await freePort()} 1\n`,
      );
      const [, , ...flags] = execStart();
      const argv = [join(dir, "sentinel.conf"), ...flags];
      const env = { ...process.env, NOTIFY_SOCKET: listener.path };
      const p: CapturedProcess =
        impl === "vigil"
          ? spawnCaptured(VIGIL_BIN, argv, dir, env)
          : spawnCaptured("/usr/bin/redis-sentinel", argv, dir, env);
      cleanup.push(() => stopProcess(p));
      await waitFor(`${impl}: READY=1`, () => listener.assignments().includes("READY=1"));
      expect(await redisCli(port, ["PING"]), `${impl} serves once READY=1 is sent`).to.equal(
        "PONG\n",
      );
      await stopProcess(p);
      await waitFor(
        `${impl}: STOPPING=1`,
        () => listener.assignments().includes("STOPPING=1"),
        3_000,
      );
      seen[impl] = listener.assignments();
    }
    expect(seen["vigil"]).to.deep.equal(seen["redis"]);
    expect(seen["vigil"]).to.deep.equal([
      "STATUS=Redis is loading...",
      "STATUS=Ready to accept connections",
      "READY=1",
      "STOPPING=1",
    ]);
  });

  it("bin/vigil and dist/main.js run as CommonJS: Node's ES module loader is never loaded (issue #18)", () => {
    // Node's own list of the internal modules it loaded, read as the process exits.
    const probe = join(tmp, "modules.cjs");
    writeFileSync(
      probe,
      'process.on("exit", () => process.stderr.write(JSON.stringify(process.moduleLoadList)));\n',
    );
    copyFileSync(join(ROOT, "sentinel.conf.example"), join(tmp, "sentinel.conf"));
    for (const entry of [join(ROOT, "bin/vigil"), VIGIL_ENTRY]) {
      const r = spawnSync(
        process.execPath,
        ["--require", probe, entry, join(tmp, "sentinel.conf"), "--test-config"],
        { cwd: tmp, encoding: "utf8" },
      );
      expect(r.stdout, r.stderr).to.equal("Configuration test passed\n");
      const loaded = JSON.parse(r.stderr) as string[];
      expect(
        loaded.filter((m) => m.includes("modules/esm/loader")),
        entry,
      ).to.deep.equal([]);
    }
  });

  it("a running sentinel on the default bind `* -::*`, started by bin/vigil, never loads node:cluster (issue #18: direct-listen.ts)", async () => {
    const dir = join(tmp, "running");
    mkdirSync(dir, { recursive: true });
    const list = join(dir, "modules.json");
    const probe = join(dir, "modules-at-exit.cjs");
    writeFileSync(
      probe,
      `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(list)}, JSON.stringify(process.moduleLoadList)));\n`,
    );
    const port = await freePort();
    writeFileSync(
      join(dir, "sentinel.conf"),
      `port ${port}\nsentinel monitor m 127.0.0.1 ${await freePort()} 1\n`,
    );
    const p = spawnCaptured(VIGIL_BIN, [join(dir, "sentinel.conf")], dir, {
      ...process.env,
      NODE_OPTIONS: `--require ${probe}`,
    });
    try {
      await waitFor("PING answered", async () => (await redisCli(port, ["PING"])) === "PONG\n");
    } finally {
      await stopProcess(p);
    }
    const loaded = JSON.parse(readFileSync(list, "utf8")) as string[];
    expect(loaded, "the list was written at exit").to.include("NativeModule net");
    expect(loaded.filter((m) => m === "NativeModule cluster")).to.deep.equal([]);
  });

  it("bin/vigil runs node with its first line's flags, as the pid it was started with (the pidfile's), without V8's second copy of its builtins (issue #18)", async () => {
    const flags = launcherFlags();
    expect(flags).to.include("--no-short-builtin-calls");
    const dir = join(tmp, "flags");
    mkdirSync(dir);
    const port = await freePort();
    const conf = join(dir, "sentinel.conf");
    const pidfile = join(dir, "vigil.pid");
    writeFileSync(
      conf,
      `port ${port}\nbind 127.0.0.1\npidfile ${pidfile}\nsentinel monitor m 127.0.0.1 ${await freePort()} 1\n`,
    );
    const p = spawnCaptured(VIGIL_BIN, [conf], dir);
    try {
      await waitFor("PING answered", async () => (await redisCli(port, ["PING"])) === "PONG\n");
      const pid = p.child.pid!;
      // env -S split the first line and exec'd node: same pid, node's own command line.
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").slice(0, -1);
      expect(argv).to.deep.equal(["node", ...flags, VIGIL_BIN, conf]);
      // The variables before `node` on that line (glibc's MALLOC_ARENA_MAX) are node's.
      expect(launcherEnv()).to.deep.equal({ MALLOC_ARENA_MAX: "1" });
      const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
      expect(environ).to.include("MALLOC_ARENA_MAX=1");
      await waitFor("pidfile written", () => existsSync(pidfile));
      expect(readFileSync(pidfile, "utf8").trim()).to.equal(String(pid));
      // V8's short builtin calls map the node binary's builtins a second time, executable: no
      // part of the file may be mapped executable twice.
      const exe = readlinkSync(`/proc/${pid}/exe`);
      const code = readFileSync(`/proc/${pid}/maps`, "utf8")
        .split("\n")
        .filter((line) => line.endsWith(` ${exe}`) && line.includes(" r-xp "))
        .map((line) => {
          const [range = "", , offset = ""] = line.split(/\s+/);
          const [start = "", end = ""] = range.split("-");
          const from = parseInt(offset, 16);
          return { from, to: from + parseInt(end, 16) - parseInt(start, 16), line };
        })
        .sort((a, b) => a.from - b.from);
      expect(code, "node's code is mapped").to.not.deep.equal([]);
      code.slice(1).forEach((mapping, i) => {
        expect(mapping.from, `${code[i]!.line}\n${mapping.line}`).to.be.at.least(code[i]!.to);
      });
    } finally {
      await stopProcess(p);
    }
  });

  it("dist/main.js is at most 512 KiB (issue #18: 1 MiB more peak RSS above) and its source map leads its functions to src/*.ts", () => {
    expect(statSync(VIGIL_ENTRY).size).to.be.at.most(512 * 1024);
    const lines = readFileSync(VIGIL_ENTRY, "utf8").split("\n");
    const map = new SourceMap(
      JSON.parse(readFileSync(`${VIGIL_ENTRY}.map`, "utf8")) as ConstructorParameters<
        typeof SourceMap
      >[0],
    );
    for (const [name, file] of [
      ["monotonicNow", "src/shell/clock.ts"],
      ["growthFactor", "src/shell/heap-tuning.ts"],
    ] as const) {
      const line = lines.findIndex((l) => l.includes(`function ${name}(`));
      const entry = map.findEntry(line, lines[line]!.indexOf(`function ${name}(`)) as SourceMapping;
      const source = readFileSync(join(ROOT, file), "utf8").split("\n");
      expect(resolve(join(ROOT, "dist"), entry.originalSource), name).to.equal(join(ROOT, file));
      expect(source[entry.originalLine], name).to.include(`function ${name}(`);
    }
  });

  it("Dockerfile CMD and compose.yaml's command run bin/vigil on docker/sentinel.conf, which passes --test-config", () => {
    const dockerfile = readFileSync(join(ROOT, "docker/Dockerfile"), "utf8");
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
    expect(cmd, "a CMD [json] line").to.not.equal(undefined);
    expect(
      /^WORKDIR (\S+)$/gm.exec(dockerfile.split("FROM node:20-slim\n").at(-1) ?? "")?.[1],
    ).to.equal("/app");
    const imageArgv = JSON.parse(cmd!) as string[];
    const compose = parseYaml(readFileSync(join(ROOT, "docker/compose.yaml"), "utf8")) as {
      "x-sentinel": { command: string[] };
    };
    const shell = compose["x-sentinel"].command;
    expect(shell.slice(0, 2)).to.deep.equal(["sh", "-c"]);
    const composeArgv = /exec (.+)$/.exec(shell[2] ?? "")?.[1]?.split(" ");
    expect(composeArgv, "compose runs the image's command").to.deep.equal(imageArgv);
    const [bin, config, ...rest] = imageArgv;
    expect(bin).to.equal(join("/app", relative(ROOT, VIGIL_BIN)));
    expect(config).to.equal("/data/sentinel.conf");
    expect(rest).to.deep.equal([]);
    expect(shell[2]).to.include("cp /etc/vigil/sentinel.conf /data/sentinel.conf");
    // /data is a temp dir here; the rest of docker/sentinel.conf as it is.
    const data = join(tmp, "data");
    mkdirSync(data);
    const text = readFileSync(join(ROOT, "docker/sentinel.conf"), "utf8");
    expect(text).to.match(/^dir \/data$/m);
    writeFileSync(join(data, "sentinel.conf"), text.replace(/^dir \/data$/m, `dir ${data}`));
    const r = testConfig([join(data, "sentinel.conf")], ROOT);
    expect(r, r.out).to.deep.equal({ status: 0, out: "Configuration test passed\n" });
  });
});
