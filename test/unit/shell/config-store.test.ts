// Proves ConfigStore persists atomically: the rewrite lands whole, concurrent saves are
// serialized, a failing rename or a SIGKILL in the middle of saving leaves the old or the new
// file whole on disk, and a YAML config gets a 0600 `.state` file while its YAML is untouched.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { parseConf } from "../../../src/config/conf-parser.js";
import { rewriteConf } from "../../../src/config/conf-rewriter.js";
import { confToConfig } from "../../../src/config/conf-to-config.js";
import { loadConfig } from "../../../src/config/load-config.js";
import { yamlToConfig } from "../../../src/config/yaml-config.js";
import { DEFAULT_SERVER_SETTINGS } from "../../../src/config/types.js";
import type { SentinelConfig } from "../../../src/core/model/config.js";
import { ConfigSaveError } from "../../../src/errors.js";
import { ConfigStore } from "../../../src/shell/config-store.js";

const ORIGINAL = "# keep me\nport 26379\nsentinel monitor m 127.0.0.1 6379 2\n";
const server = { ...DEFAULT_SERVER_SETTINGS, dir: "/d" };

function stateWithEpoch(epoch: number | bigint): SentinelConfig {
  const s = confToConfig(parseConf(ORIGINAL, "s"), { isExecutable: () => true }).sentinel;
  return { ...s, myId: "e".repeat(40), currentEpoch: BigInt(epoch) };
}

describe("ConfigStore", () => {
  let dir = "";
  let file = "";
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "vigil-store-"));
    file = join(dir, "sentinel.conf");
    writeFileSync(file, ORIGINAL);
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes the rewritten file, 0644 & ~umask, with no temp file left", async () => {
    await new ConfigStore({ file, format: "conf", server }).save(stateWithEpoch(1));
    expect(readFileSync(file, "utf8")).to.equal(rewriteConf(ORIGINAL, server, stateWithEpoch(1)));
    expect(statSync(file).mode & 0o777 & ~0o022).to.equal(0o644 & ~0o022);
    expect(readdirSync(dir)).to.deep.equal(["sentinel.conf"]);
  });

  it("tells its observer how long each save took and whether it succeeded", async () => {
    const seen: [number, boolean][] = [];
    const observeSave = (seconds: number, ok: boolean): void => {
      seen.push([seconds, ok]);
    };
    await new ConfigStore({ file, format: "conf", server, observeSave }).save(stateWithEpoch(1));
    const failing = new ConfigStore({
      file,
      format: "conf",
      server,
      observeSave,
      fs: {
        rename: () => {
          throw Object.assign(new Error("EIO"), { code: "EIO" });
        },
      },
    });
    await failing.save(stateWithEpoch(2)).catch(() => undefined);
    expect(seen.map(([, ok]) => ok)).to.deep.equal([true, false]);
    expect(seen.every(([s]) => s >= 0 && s < 60)).to.equal(true);
  });

  it("serializes concurrent saves so the last one wins", async () => {
    const store = new ConfigStore({ file, format: "conf", server });
    await Promise.all([1, 2, 3, 4, 5].map((e) => store.save(stateWithEpoch(e))));
    expect(readFileSync(file, "utf8")).to.include("sentinel current-epoch 5\n");
  });

  it("keeps the old file whole and cleans up when the rename fails", async () => {
    const store = new ConfigStore({
      file,
      format: "conf",
      server,
      fs: {
        rename: () => {
          throw Object.assign(new Error("EIO"), { code: "EIO" });
        },
      },
    });
    try {
      await store.save(stateWithEpoch(1));
      expect.fail("save succeeded");
    } catch (e) {
      expect(e).to.be.instanceOf(ConfigSaveError);
      expect((e as Error).message).to.equal("EIO");
    }
    expect(readFileSync(file, "utf8")).to.equal(ORIGINAL);
    expect(readdirSync(dir)).to.deep.equal(["sentinel.conf"]);
    // A failed save does not block the next one.
    await new ConfigStore({ file, format: "conf", server }).save(stateWithEpoch(2));
    expect(readFileSync(file, "utf8")).to.include("sentinel current-epoch 2\n");
  });

  it("writes a YAML config's state to <yaml>.state with mode 0600 and leaves the YAML alone", async () => {
    const yaml = join(dir, "vigil.yaml");
    writeFileSync(yaml, "masters: {}\n");
    await new ConfigStore({ file: yaml, format: "yaml", server }).save(stateWithEpoch(7));
    expect(readFileSync(yaml, "utf8")).to.equal("masters: {}\n");
    const state = readFileSync(`${yaml}.state`, "utf8");
    expect(state).to.include("sentinel current-epoch 7\n");
    expect(state).not.to.match(/^(port|dir|user) /m);
    expect(statSync(`${yaml}.state`).mode & 0o777).to.equal(0o600);
  });

  it("writes the ACL users read at each save as `user` lines", async () => {
    let users = ["default on nopass ~* &* +@all"];
    const store = new ConfigStore({ file, format: "conf", server, users: () => users });
    await store.save(stateWithEpoch(1));
    users = [...users, "u1 on #" + "a".repeat(64) + " resetchannels -@all +ping"];
    await store.save(stateWithEpoch(1));
    expect(
      readFileSync(file, "utf8")
        .split("\n")
        .filter((l) => l.startsWith("user ")),
    ).to.deep.equal(users.map((u) => `user ${u}`));
  });

  it("writes a YAML config's users to <yaml>.state, and loading the YAML takes them from there", async () => {
    const yaml = join(dir, "vigil.yaml");
    writeFileSync(yaml, "server:\n  users: ['bob on nopass +@all']\nmasters: {}\n");
    const users = ["bob off resetchannels -@all", "default on nopass ~* &* +@all"];
    await new ConfigStore({ file: yaml, format: "yaml", server, users: () => users }).save(
      stateWithEpoch(7),
    );
    expect(readFileSync(yaml, "utf8")).to.include("users: ['bob on nopass +@all']");
    const loaded = loadConfig(yaml, [], {
      isExecutable: () => true,
      checkWritable: () => undefined,
      yaml: yamlToConfig,
    });
    expect(loaded.server.users).to.deep.equal(users);
  });

  it("records SENTINEL REMOVE of a YAML master in <yaml>.state until it is monitored again", async () => {
    const yaml = join(dir, "vigil.yaml");
    writeFileSync(yaml, "masters:\n  m: { host: 127.0.0.1, port: 6379, quorum: 2 }\n");
    const load = () =>
      loadConfig(yaml, [], {
        isExecutable: () => true,
        checkWritable: () => undefined,
        yaml: yamlToConfig,
      });
    const first = load();
    expect(first.yamlMasters).to.deep.equal(["m"]);
    const store = new ConfigStore({
      file: yaml,
      format: "yaml",
      server,
      yamlMasters: first.yamlMasters,
    });
    await store.save({ ...first.sentinel, myId: "e".repeat(40), masters: [] });
    expect(readFileSync(`${yaml}.state`, "utf8")).to.include("sentinel vigil-removed m\n");
    expect(load().sentinel.masters).to.deep.equal([]);
    await store.save({ ...first.sentinel, myId: "e".repeat(40) });
    expect(readFileSync(`${yaml}.state`, "utf8")).not.to.include("vigil-removed");
    expect(load().sentinel.masters.map((m) => m.name)).to.deep.equal(["m"]);
  });

  it("saves a sentinel.conf's state to its state-file (0600), never the conf, and loading restores it", async () => {
    const conf = "state-file s.state\nsentinel monitor m 127.0.0.1 6379 2\n";
    writeFileSync(file, `dir ${dir}\n${conf}`);
    const load = () =>
      loadConfig(file, [], { isExecutable: () => true, checkWritable: () => undefined });
    const first = load();
    const store = new ConfigStore({
      file,
      format: first.format,
      stateFile: first.stateFile,
      server: first.server,
      yamlMasters: first.yamlMasters,
    });
    expect(store.target).to.equal(join(dir, "s.state"));
    const saved = { ...first.sentinel, myId: "e".repeat(40), currentEpoch: 9n };
    await store.save(saved);
    expect(readFileSync(file, "utf8")).to.equal(`dir ${dir}\n${conf}`);
    const state = readFileSync(join(dir, "s.state"), "utf8");
    expect(state).to.include("sentinel current-epoch 9\n");
    expect(state).not.to.match(/^(port|dir|state-file) /m);
    expect(statSync(join(dir, "s.state")).mode & 0o777).to.equal(0o600);
    expect(readdirSync(dir).sort()).to.deep.equal(["s.state", "sentinel.conf"]);
    const again = load();
    expect([again.sentinel.myId, again.sentinel.currentEpoch]).to.deep.equal(["e".repeat(40), 9n]);
    // SENTINEL REMOVE of the conf's master is recorded in the state file and survives.
    await store.save({ ...saved, masters: [] });
    expect(load().sentinel.masters).to.deep.equal([]);
    expect(readFileSync(file, "utf8")).to.equal(`dir ${dir}\n${conf}`);
  });

  it("leaves the old or the new file whole when the saving process is SIGKILLed", async function () {
    this.timeout(60_000);
    // A child saves two alternating (large) states in a loop; we kill it at varying moments.
    const big = (epoch: number): SentinelConfig => {
      const s = stateWithEpoch(epoch);
      const m = s.masters[0]!;
      const knownReplicas = Array.from({ length: 3000 }, (_, i) => ({
        ip: "10.0.0.1",
        port: 1000 + i,
      }));
      return { ...s, masters: [{ ...m, knownReplicas }] };
    };
    // Every content a sequence of whole saves can produce (the rewrite reads the file it replaces).
    const whole = [ORIGINAL];
    for (let i = 0; i < 6; i++)
      whole.push(rewriteConf(whole[i]!, server, big(i % 2 === 0 ? 1 : 2)));
    const input = join(dir, "child-input.json");
    // Epochs are bigints: sent as text, revived in the child.
    const asText = (_key: string, v: unknown): unknown => (typeof v === "bigint" ? `${v}n` : v);
    writeFileSync(input, JSON.stringify([file, big(1), big(2), server], asText));
    const child = `
      import { readFileSync } from "node:fs";
      import { ConfigStore } from ${JSON.stringify(join(import.meta.dirname, "../../../src/shell/config-store.ts"))};
      const revive = (_k, v) => (typeof v === "string" && /^\\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v);
      const [file, sa, sb, server] = JSON.parse(readFileSync(process.argv[1], "utf8"), revive);
      const store = new ConfigStore({ file, format: "conf", server });
      process.stdout.write("ready\\n");
      for (let i = 0; ; i++) await store.save(i % 2 === 0 ? sa : sb);
    `;
    const seen = new Set<string>();
    for (let round = 0; round < 6; round++) {
      writeFileSync(file, ORIGINAL);
      const p = spawn(
        process.execPath,
        ["--import", "tsx", "--input-type=module", "-e", child, input],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error("child never got ready"));
        }, 30_000);
        p.stdout.once("data", () => {
          clearTimeout(timer);
          resolve();
        });
      });
      await new Promise((r) => setTimeout(r, 20 + round * 37));
      const exited = new Promise((r) => p.once("exit", r));
      p.kill("SIGKILL");
      await exited;
      const onDisk = readFileSync(file, "utf8");
      expect(whole).to.include(onDisk);
      seen.add(onDisk === ORIGINAL ? "old" : "new");
    }
    expect(seen.has("new")).to.equal(true);
  });
});
