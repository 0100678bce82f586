// Proves loadConfig reads real files, applies command-line overrides after the file (joining
// Redis's sentinel passes), reads YAML with its .state file, resolves dir, and refuses a missing
// or unwritable file with redis-sentinel's texts.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, normalize } from "node:path";
import { expect } from "chai";
import { parseCliArgs } from "../../../src/config/cli-args.js";
import { COMMAND_LINE, loadConfig } from "../../../src/config/load-config.js";
import { yamlToConfig } from "../../../src/config/yaml-config.js";
import { ConfigError, ERROR_CODES } from "../../../src/errors.js";
import { configErrorReport } from "../../../src/shell/config-report.js";

const opts = { isExecutable: () => true, yaml: yamlToConfig };

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("no error");
}

describe("loadConfig", () => {
  let dir = "";
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "vigil-load-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("loads a sentinel.conf with an absolute path, its text and a resolved dir", () => {
    const text = "sentinel monitor m 127.0.0.1 6379 2\ndir sub\n";
    writeFileSync(join(dir, "s.conf"), text);
    mkdirSync(join(dir, "sub"));
    const c = loadConfig("s.conf", [], { ...opts, cwd: dir });
    expect(c).to.deep.include({ file: join(dir, "s.conf"), format: "conf", text });
    expect(c.server.dir).to.equal(join(dir, "sub"));
    expect(c.sentinel.masters[0]!.name).to.equal("m");
  });

  it("reports a bad option at the line Redis counts: after the file's and stdin's text", () => {
    writeFileSync(join(dir, "s.conf"), "port 26379\nsentinel monitor m 127.0.0.1 6379 2\n");
    const cli = parseCliArgs(["s.conf", "--port", "26390", "--loglevel", "loud"]);
    if (cli.kind !== "run") throw new Error(cli.kind);
    const e = errorOf(() =>
      loadConfig("s.conf", cli.overrides, { ...opts, cwd: dir, stdin: "hz 10\n" }),
    );
    // The file (2 lines), stdin (1), the empty line their final newline and the "\n" make, then
    // the options.
    expect(configErrorReport(e)).to.include(
      "Reading the configuration file, at line 6\n>>> 'loglevel \"loud\"'\n",
    );
    expect(configErrorReport(e)).to.include(`at ${COMMAND_LINE}:2 (directive 'loglevel')`);
    const quotes = errorOf(() => loadConfig("s.conf", ['port "1'], { ...opts, cwd: dir }));
    expect(configErrorReport(quotes)).to.include("Reading the configuration file, at line 4\n");
  });

  it("reads stdin's text (`-`) after the file's, as its continuation, before the options", () => {
    // No newline at the file's end: Redis joins the two texts as they are.
    writeFileSync(join(dir, "s.conf"), "port 26379\nsentinel monitor");
    const cli = parseCliArgs(["s.conf", "--sentinel", "quorum-less", "-"]);
    expect(cli).to.deep.include({ stdin: true });
    const stdin = " m 127.0.0.1 6379 2\nsentinel down-after-milliseconds m 5000\n";
    const c = loadConfig("s.conf", [], { ...opts, cwd: dir, stdin });
    expect(c.text).to.equal("port 26379\nsentinel monitor");
    expect(c.sentinel.masters[0]!.settings.downAfterPeriod).to.equal(5000);
    const e = errorOf(() =>
      loadConfig("s.conf", [], { ...opts, cwd: dir, stdin: `${stdin}loglevel loud\n` }),
    );
    // Lines are counted through the joined text, as redis-sentinel counts them.
    expect([e.file, e.line, e.text]).to.deep.equal([join(dir, "s.conf"), 4, "loglevel loud"]);
  });

  it("applies command-line overrides after the file, sentinel lines included", () => {
    writeFileSync(join(dir, "s.conf"), "port 26379\nsentinel monitor m 127.0.0.1 6379 2\n");
    const cli = parseCliArgs([
      "s.conf",
      "--port",
      "26390",
      "--sentinel",
      "down-after-milliseconds",
      "m",
      "5000",
      "--sentinel",
      "monitor",
      "n",
      "127.0.0.1",
      "6380",
      "1",
    ]);
    if (cli.kind !== "run") throw new Error(cli.kind);
    const c = loadConfig(join(dir, "s.conf"), cli.overrides, opts);
    expect(c.server.port).to.equal(26390);
    expect(c.sentinel.masters.map((m) => [m.name, m.settings.downAfterPeriod])).to.deep.equal([
      ["m", 5000],
      ["n", 30000],
    ]);
  });

  it("names the command line and the option's position in override errors", () => {
    writeFileSync(join(dir, "s.conf"), "");
    const e = errorOf(() => loadConfig(join(dir, "s.conf"), ["port 1", "bogus 2"], opts));
    expect([e.file, e.line, e.reason]).to.deep.equal([
      COMMAND_LINE,
      2,
      "Bad directive or wrong number of arguments",
    ]);
  });

  it("refuses to start without a config file", () => {
    const e = errorOf(() => loadConfig("", [], opts));
    expect(e.reason).to.equal("Sentinel needs config file on disk to save state. Exiting...");
  });

  it("reports a missing file like redis-server", () => {
    const file = join(dir, "none.conf");
    const e = errorOf(() => loadConfig(file, [], opts));
    expect(e.reason).to.equal(
      `Fatal error, can't open config file '${file}': No such file or directory`,
    );
  });

  it("refuses an unwritable file with Redis's text and strerror", () => {
    const file = join(dir, "s.conf");
    writeFileSync(file, "");
    const checkWritable = (p: string): void => {
      throw Object.assign(new Error(`EACCES: ${p}`), { code: "EACCES" });
    };
    const e = errorOf(() => loadConfig(file, [], { ...opts, checkWritable }));
    expect(e.reason).to.equal(
      `Sentinel config file ${file} is not writable: Permission denied. Exiting...`,
    );
    expect(e.code).to.equal(ERROR_CODES.VIGIL_CONFIG_NOT_WRITABLE);
  });

  it("loads YAML, merges its .state file and applies overrides on top", () => {
    const file = join(dir, "v.yaml");
    writeFileSync(file, "masters:\n  m:\n    host: 127.0.0.1\n    port: 6379\n    quorum: 2\n");
    writeFileSync(
      `${file}.state`,
      `sentinel myid ${"d".repeat(40)}\nsentinel monitor m 127.0.0.1 6390 2\nsentinel current-epoch 3\n`,
    );
    let checked = "";
    const c = loadConfig(file, ["port 26400"], {
      ...opts,
      checkWritable: (p) => {
        checked = p;
      },
    });
    expect(c.format).to.equal("yaml");
    expect(c.server.port).to.equal(26400);
    expect(c.sentinel.myId).to.equal("d".repeat(40));
    expect(c.sentinel.currentEpoch).to.equal(3n);
    expect(c.sentinel.masters[0]!.addr.port).to.equal(6390);
    expect(checked).to.equal(`${file}.state`);
  });

  it("reads a sentinel.conf's state-file (relative to dir) after the file, options on top; only the state file must be writable", () => {
    mkdirSync(join(dir, "run"));
    const file = join(dir, "s.conf");
    writeFileSync(
      file,
      `dir ${dir}\nstate-file run/s.state\nsentinel monitor m 127.0.0.1 6379 2\nsentinel monitor gone 127.0.0.1 6381 2\n`,
    );
    const checked: string[] = [];
    const checkWritable = (p: string): void => {
      checked.push(p);
    };
    // No state yet: the config alone; the state file's dir must be writable.
    const first = loadConfig(file, [], { ...opts, checkWritable });
    expect(first.stateFile).to.equal(join(dir, "run", "s.state"));
    expect(first.yamlMasters).to.deep.equal(["m", "gone"]);
    expect(first.sentinel.masters.map((m) => m.addr.port)).to.deep.equal([6379, 6381]);
    expect(checked).to.deep.equal([join(dir, "run")]);
    writeFileSync(
      join(dir, "run", "s.state"),
      [
        `sentinel myid ${"e".repeat(40)}`,
        "sentinel monitor m 127.0.0.1 6390 2",
        "sentinel known-replica m 127.0.0.1 6379",
        "sentinel config-epoch m 4",
        "sentinel current-epoch 4",
        "sentinel vigil-removed gone",
        "loglevel verbose",
        "",
      ].join("\n"),
    );
    const c = loadConfig(file, ["--sentinel down-after-milliseconds m 7000".slice(2)], {
      ...opts,
      checkWritable,
    });
    expect(c.format).to.equal("conf");
    expect(c.sentinel.myId).to.equal("e".repeat(40));
    expect(c.sentinel.currentEpoch).to.equal(4n);
    expect(
      c.sentinel.masters.map((m) => [m.name, m.addr.port, m.settings.downAfterPeriod]),
    ).to.deep.equal([["m", 6390, 7000]]);
    expect(c.sentinel.masters[0]!.knownReplicas.map((r) => r.port)).to.deep.equal([6379]);
    expect(c.server.loglevel).to.equal("verbose");
    expect(checked.at(-1)).to.equal(join(dir, "run", "s.state"));
    // Without state-file the config itself is the target, as for redis-sentinel.
    writeFileSync(file, "sentinel monitor m 127.0.0.1 6379 2\n");
    expect(loadConfig(file, [], { ...opts, checkWritable }).stateFile).to.equal("");
    expect(checked.at(-1)).to.equal(file);
  });

  it("takes a YAML config's server.state-file instead of <file>.state", () => {
    const file = join(dir, "v.yaml");
    writeFileSync(file, `server:\n  dir: ${dir}\n  state-file: elsewhere.state\n`);
    writeFileSync(join(dir, "elsewhere.state"), `sentinel myid ${"f".repeat(40)}\n`);
    const c = loadConfig(file, [], { ...opts, checkWritable: () => undefined });
    expect(c.stateFile).to.equal(join(dir, "elsewhere.state"));
    expect(c.sentinel.myId).to.equal("f".repeat(40));
    expect(
      loadConfig(file, ['state-file ""'], {
        ...opts,
        checkWritable: () => undefined,
      }).stateFile,
    ).to.equal(`${file}.state`);
  });

  it("takes a YAML config's loglevel from its .state file when it has one (SENTINEL CONFIG SET)", () => {
    const file = join(dir, "v.yaml");
    writeFileSync(file, "server:\n  loglevel: warning\n");
    writeFileSync(`${file}.state`, `sentinel myid ${"d".repeat(40)}\n`);
    const before = loadConfig(file, [], { ...opts, checkWritable: () => undefined });
    expect(before.server.loglevel).to.equal("warning");
    expect(before.sentinel.global.logLevel).to.equal("warning");
    writeFileSync(`${file}.state`, `sentinel myid ${"d".repeat(40)}\nloglevel debug\n`);
    const after = loadConfig(file, [], { ...opts, checkWritable: () => undefined });
    expect(after.server.loglevel).to.equal("debug");
    expect(after.sentinel.global.logLevel).to.equal("debug");
  });

  it("checks relative script paths against the last dir, as redis-sentinel's chdir() does", () => {
    const conf = join(dir, "s1", "sentinel.conf");
    const text = [
      "dir ./s1",
      "dir ./inner",
      "sentinel monitor m 127.0.0.1 6379 2",
      "sentinel notification-script m ../../scripts/notify.sh",
      "",
    ].join("\n");
    mkdirSync(join(dir, "s1", "inner"), { recursive: true });
    writeFileSync(conf, text);
    const seen: string[] = [];
    const isExecutable = (p: string): boolean => {
      seen.push(normalize(p));
      return normalize(p) === join(dir, "scripts/notify.sh");
    };
    const c = loadConfig("s1/sentinel.conf", [], { isExecutable, cwd: dir });
    expect(seen).to.deep.equal([join(dir, "scripts/notify.sh")]);
    expect(c.server.dir).to.equal(join(dir, "s1", "inner"));
    expect(c.sentinel.masters[0]!.settings.notificationScript).to.equal("../../scripts/notify.sh");
  });

  it("checks a YAML .state file's relative script paths against the YAML's dir", () => {
    const file = join(dir, "v.yaml");
    writeFileSync(file, "server:\n  dir: run\n");
    writeFileSync(
      `${file}.state`,
      "sentinel monitor m 127.0.0.1 6390 2\nsentinel client-reconfig-script m bin/r.sh\n",
    );
    const seen: string[] = [];
    loadConfig(file, [], {
      isExecutable: (p) => {
        seen.push(normalize(p));
        return true;
      },
      cwd: dir,
      checkWritable: () => undefined,
      yaml: yamlToConfig,
    });
    expect(seen).to.deep.equal([join(dir, "run", "bin/r.sh")]);
  });

  it("opens the log file against the last dir after every line, refusing the config as Redis does", () => {
    mkdirSync(join(dir, "sub"));
    writeFileSync(join(dir, "s.conf"), 'logfile "s.log"\ndir sub\n');
    loadConfig("s.conf", [], { ...opts, cwd: dir });
    // Created where the daemon will write it: in the last dir, not beside the config.
    expect(existsSync(join(dir, "sub", "s.log"))).to.equal(true);
    expect(existsSync(join(dir, "s.log"))).to.equal(false);

    writeFileSync(join(dir, "s.conf"), 'logfile "missing/s.log"\n');
    const e = errorOf(() => loadConfig("s.conf", [], { ...opts, cwd: dir }));
    expect([e.afterLines, e.reason]).to.deep.equal([
      true,
      "Can't open the log file: No such file or directory",
    ]);
    expect(configErrorReport(e)).to.equal(
      "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nCan't open the log file: No such file or directory\n",
    );
  });

  it("refuses a dir it cannot enter at its line, with chdir's strerror as redis-sentinel does", () => {
    writeFileSync(join(dir, "f"), "");
    for (const [target, reason] of [
      ["missing", "No such file or directory"],
      ["f", "Not a directory"],
      ['""', "No such file or directory"],
    ] as const) {
      writeFileSync(join(dir, "s.conf"), `port 26379\ndir ${target}\n`);
      const e = errorOf(() => loadConfig("s.conf", [], { ...opts, cwd: dir }));
      expect([e.line, e.directive, e.reason]).to.deep.equal([2, "dir", reason]);
    }
  });

  // Found by the config fuzzer (test/fuzz, config): Vigil ran with the `user` lines, and its first
  // rewrite (which writes no user line when an aclfile is set) dropped them: the password was
  // gone after a restart. redis-sentinel 7.0.15 refuses the pair at start with this sentence.
  it("refuses user lines next to an aclfile with redis-sentinel's sentence, in a file or YAML", () => {
    writeFileSync(join(dir, "users.acl"), "");
    writeFileSync(
      join(dir, "s.conf"),
      "aclfile users.acl\nuser default on >secret ~* &* +@all\nsentinel monitor m 127.0.0.1 6379 2\n",
    );
    const e = errorOf(() => loadConfig("s.conf", [], { ...opts, cwd: dir }));
    const sentence =
      "Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or declare users directly in your redis.conf, but not both.";
    expect([e.file, e.line, e.reason]).to.deep.equal([join(dir, "s.conf"), 0, sentence]);
    expect(configErrorReport(e)).to.equal(`${sentence}\n`);
    writeFileSync(join(dir, "s.conf"), "sentinel monitor m 127.0.0.1 6379 2\n");
    const fromCommandLine = errorOf(() =>
      loadConfig("s.conf", ["aclfile users.acl", "user u on nopass"], { ...opts, cwd: dir }),
    );
    expect(fromCommandLine.reason).to.equal(sentence);
    // An aclfile alone, or users alone, still load.
    expect(
      loadConfig("s.conf", ["aclfile users.acl"], { ...opts, cwd: dir }).server.aclfile,
    ).to.equal("users.acl");
    expect(
      loadConfig("s.conf", ["user u on nopass"], { ...opts, cwd: dir }).server.users,
    ).to.deep.equal(["u on nopass"]);
  });
});
