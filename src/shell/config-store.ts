/**
 * Persisting the sentinel state ("flush", docs/PROTOCOL.md §10.3) the way config.c:
 * rewriteConfigOverwriteFile does: render the new text (conf-rewriter, from the file as it is on
 * disk now), write it to `<file>.XXXXXX` in the same directory, fsync (the temp file is created 0644 & ~umask),
 * rename over the file, fsync the directory. The file on disk is always the old or the new one,
 * whole. A YAML config, or a sentinel.conf naming a `state-file`, is never touched: the state
 * goes to the state file (config/state-file.ts; mode 0600, sentinel.conf format). Saves are serialized. The caller logs
 * "Sentinel new configuration saved on disk" or the WARNING text (ConfigSaveError.message).
 *
 * The file calls are synchronous, as in Redis. The runtime holds every input while a save is in
 * flight (a vote must be on disk before anyone hears of it), so an asynchronous save frees
 * little; but each of its nine steps waited for a thread-pool round trip, and on a loaded 2-core
 * machine (three sentinels × 1000 masters) those steps took 14–260 ms together, on top of the
 * render. Peer votes waited that long, and three candidates stood before any vote arrived.
 */
import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname } from "node:path";
import type { PersistedState } from "../core/index.js";
import { rewriteConf } from "../config/conf-rewriter.js";
import { stateFileOf, strerror } from "../config/load-config.js";
import type { ServerSettings } from "../config/types.js";
import { ConfigSaveError } from "../errors.js";
import { randomHex } from "./entropy.js";

/** The file-system calls a save makes; tests replace some to inject failures. */
export interface StoreFs {
  readonly readFile: (path: string) => string;
  readonly rename: (from: string, to: string) => void;
}

export interface ConfigStoreOptions {
  /** Absolute path of the config file (LoadedConfig.file). */
  readonly file: string;
  readonly format: "conf" | "yaml";
  /**
   * The state file (LoadedConfig.stateFile): saves go there and the config is never written.
   * Absent or "": the config for a sentinel.conf, `<file>.state` for a YAML config.
   */
  readonly stateFile?: string;
  readonly server: ServerSettings;
  /**
   * The ACL users as `user` lines without the word `user`, read at every save (ACL SETUSER and
   * DELUSER changes are written by the next rewrite, as Redis does). Omitted: `server.users`.
   */
  readonly users?: () => readonly string[];
  /**
   * The masters the config defines when saves go to a state file (LoadedConfig.yamlMasters):
   * each one not running is recorded as removed there, so that SENTINEL REMOVE survives a restart.
   */
  readonly yamlMasters?: readonly string[];
  readonly fs?: Partial<StoreFs>;
  /** Told how long each save took (seconds) and whether it succeeded (the HTTP metrics). */
  readonly observeSave?: (seconds: number, ok: boolean) => void;
}

const DEFAULT_FS: StoreFs = {
  readFile: (path) => readFileSync(path, "utf8"),
  rename: (from, to) => {
    renameSync(from, to);
  },
};

function readOld(fs: StoreFs, path: string): string {
  try {
    return fs.readFile(path);
  } catch (e) {
    // config.c: rewriteConfigReadOldFile — a missing file is an empty one.
    if ((e as { code?: unknown }).code === "ENOENT") return "";
    throw e;
  }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Creates `path` (it must not exist), writes all of `text` and fsyncs it (also ACL SAVE's). */
export function writeNew(path: string, text: string, mode: number): void {
  const fd = openSync(path, "wx", mode);
  try {
    // writeFileSync on a descriptor repeats short writes until everything is written.
    writeFileSync(fd, text, "utf8");
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export class ConfigStore {
  /** The file every save replaces: the config itself, or the state file. */
  readonly target: string;
  private readonly server: ServerSettings | null;
  private readonly users: (() => readonly string[]) | undefined;
  private readonly yamlMasters: readonly string[];
  private readonly mode: number;
  private readonly fs: StoreFs;
  private readonly observeSave: ((seconds: number, ok: boolean) => void) | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(opts: ConfigStoreOptions) {
    const stateFile = opts.stateFile || (opts.format === "yaml" ? stateFileOf(opts.file) : "");
    const yaml = stateFile !== "";
    this.target = yaml ? stateFile : opts.file;
    this.server = yaml ? null : opts.server;
    this.users = opts.users;
    this.yamlMasters = opts.yamlMasters ?? [];
    // open() applies the umask: 0644 & ~umask like Redis's fchmod (process.umask() is deprecated).
    this.mode = yaml ? 0o600 : 0o644;
    this.fs = { ...DEFAULT_FS, ...opts.fs };
    this.observeSave = opts.observeSave;
  }

  /** Writes `state`; resolves once it is durable, rejects with ConfigSaveError. */
  save(state: PersistedState): Promise<void> {
    const run = this.queue.then(() => {
      const started = performance.now();
      try {
        this.write(state);
      } catch (e) {
        this.observeSave?.((performance.now() - started) / 1000, false);
        throw e;
      }
      this.observeSave?.((performance.now() - started) / 1000, true);
    });
    // The next save waits for this one whatever its outcome.
    this.queue = run.catch(() => undefined);
    return run;
  }

  private write(state: PersistedState): void {
    let tmp = "";
    try {
      const old = readOld(this.fs, this.target);
      const users = this.users?.();
      const server =
        this.server !== null && users !== undefined ? { ...this.server, users } : this.server;
      const text =
        server === null
          ? rewriteConf(old, null, state, users, this.yamlMasters)
          : rewriteConf(old, server, state);
      tmp = `${this.target}.${randomHex(6)}`;
      writeNew(tmp, text, this.mode);
      this.fs.rename(tmp, this.target);
      tmp = "";
      fsyncDir(dirname(this.target));
    } catch (e) {
      if (tmp !== "") {
        try {
          unlinkSync(tmp);
        } catch {
          // Nothing more to clean up.
        }
      }
      throw new ConfigSaveError(strerror(e), { cause: e });
    }
  }
}
