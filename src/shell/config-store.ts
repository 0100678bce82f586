/**
 * Persisting the sentinel state ("flush", sentinel-protocol §10.3) the way config.c:
 * rewriteConfigOverwriteFile does: render the new text (conf-rewriter, from the file as it is on
 * disk now), write it to `<file>.XXXXXX` in the same directory, fsync (the temp file is created 0644 & ~umask),
 * rename over the file, fsync the directory. The file on disk is always the old or the new one,
 * whole. A YAML-configured Vigil never touches its YAML: the state goes to `<yaml>.state`
 * (mode 0600, sentinel.conf format). Saves are serialized. The caller logs
 * "Sentinel new configuration saved on disk" or the WARNING text (ConfigSaveError.message).
 */
import { randomBytes } from "node:crypto";
import { open, readFile, rename, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import type { PersistedState } from "../core/config.js";
import { rewriteConf } from "../config/conf-rewriter.js";
import { stateFileOf, strerror } from "../config/load-config.js";
import type { ServerSettings } from "../config/types.js";
import { ConfigSaveError } from "../errors.js";

/** The file-system calls a save makes; tests replace some to inject failures. */
export interface StoreFs {
  readonly readFile: (path: string) => Promise<string>;
  readonly rename: (from: string, to: string) => Promise<void>;
}

export interface ConfigStoreOptions {
  /** Absolute path of the config file (LoadedConfig.file). */
  readonly file: string;
  readonly format: "conf" | "yaml";
  readonly server: ServerSettings;
  readonly fs?: Partial<StoreFs>;
}

const DEFAULT_FS: StoreFs = {
  readFile: (path) => readFile(path, "utf8"),
  rename: (from, to) => rename(from, to),
};

async function readOld(fs: StoreFs, path: string): Promise<string> {
  try {
    return await fs.readFile(path);
  } catch (e) {
    // config.c: rewriteConfigReadOldFile — a missing file is an empty one.
    if ((e as { code?: unknown }).code === "ENOENT") return "";
    throw e;
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const h = await open(dir, "r");
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

export class ConfigStore {
  /** The file every save replaces: the config itself, or `<yaml>.state`. */
  readonly target: string;
  private readonly server: ServerSettings | null;
  private readonly mode: number;
  private readonly fs: StoreFs;
  private queue: Promise<void> = Promise.resolve();

  constructor(opts: ConfigStoreOptions) {
    const yaml = opts.format === "yaml";
    this.target = yaml ? stateFileOf(opts.file) : opts.file;
    this.server = yaml ? null : opts.server;
    // open() applies the umask: 0644 & ~umask like Redis's fchmod (process.umask() is deprecated).
    this.mode = yaml ? 0o600 : 0o644;
    this.fs = { ...DEFAULT_FS, ...opts.fs };
  }

  /** Writes `state`; resolves once it is durable, rejects with ConfigSaveError. */
  save(state: PersistedState): Promise<void> {
    const run = this.queue.then(() => this.write(state));
    // The next save waits for this one whatever its outcome.
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(state: PersistedState): Promise<void> {
    let tmp = "";
    try {
      const old = await readOld(this.fs, this.target);
      const text = rewriteConf(old, this.server, state);
      tmp = `${this.target}.${randomBytes(3).toString("hex")}`;
      const h = await open(tmp, "wx", this.mode);
      try {
        await h.writeFile(text, "utf8");
        await h.sync();
      } finally {
        await h.close();
      }
      await this.fs.rename(tmp, this.target);
      tmp = "";
      await fsyncDir(dirname(this.target));
    } catch (e) {
      if (tmp !== "") await unlink(tmp).catch(() => undefined);
      throw new ConfigSaveError(strerror(e), { cause: e });
    }
  }
}
