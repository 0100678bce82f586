/**
 * The process entry point: argv (redis-sentinel's syntax) → config → running sentinel.
 * Heavy modules are imported lazily, so `--version` is instant and PING is answered early.
 * A config that cannot be used is reported on stderr and exits 1 before any socket is opened.
 * `daemonize yes` starts the daemon as a detached child and exits once it serves (daemonize.ts).
 * SIGTERM and SIGINT run the ordered shutdown and exit 0; SIGHUP is ignored, as by
 * redis-sentinel (it only reopens the log file, which is reopened when renamed anyway), except
 * that with TLS on it re-reads the certificates (shell/tls-reload.ts). SIGUSR1 ends the process
 * and SIGALRM is ignored, as by redis-sentinel (shell/redis-signals.ts).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseCliArgs, USAGE } from "./config/cli-args.js";
import type { LoadedConfig } from "./config/types.js";
import { ConfigError } from "./errors.js";
import { REDIS_VERSION, configErrorReport } from "./shell/config-report.js";
import { tuneHeap } from "./shell/heap-tuning.js";
import { holdCompilers } from "./shell/compiler-hold.js";
import { installRedisSignalActions } from "./shell/redis-signals.js";

function packageVersion(): string {
  try {
    const text = readFileSync(new URL("../package.json", import.meta.url), "utf8");
    const parsed: unknown = JSON.parse(text);
    if (
      typeof parsed === "object" &&
      parsed !== null &&
      "version" in parsed &&
      typeof parsed.version === "string"
    ) {
      return parsed.version;
    }
  } catch {
    // Fall through: the version line still names the Redis version we follow.
  }
  return "unknown";
}

/**
 * `-` on the command line: the config text on stdin, read to its end, announced as
 * redis-sentinel does (config.c: loadServerConfig), on stdout before any config applies.
 */
async function readStdinConfig(): Promise<string> {
  const { legacyLine } = await import("./shell/log-line.js");
  process.stdout.write(
    legacyLine(process.pid, Date.now(), "warning", "Reading config from stdin", "legacy"),
  );
  return readFileSync(0, "utf8");
}

/** Modules are imported when needed: `--version` and `--help` load nothing heavy. */
async function load(
  configFile: string,
  overrides: readonly string[],
  stdin: string | undefined,
): Promise<LoadedConfig | null> {
  const { defaultIsExecutable, isYamlFile, loadConfig, loadYamlFrontEnd } =
    await import("./config/load-config.js");
  const yaml = isYamlFile(configFile) ? await loadYamlFrontEnd() : undefined;
  try {
    return loadConfig(configFile, overrides, {
      isExecutable: defaultIsExecutable,
      ...(yaml === undefined ? {} : { yaml }),
      ...(stdin === undefined ? {} : { stdin }),
    });
  } catch (err: unknown) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(configErrorReport(err));
    return null;
  }
}

async function main(argv: readonly string[]): Promise<void> {
  // SIGUSR1 ends the process as it ends redis-sentinel, instead of opening Node's inspector.
  installRedisSignalActions();
  // redis-sentinel ignores SIGHUP; Node's default would end the process.
  const ignoreHangup = (): void => undefined;
  process.on("SIGHUP", ignoreHangup);
  const command = parseCliArgs(argv);
  if (command.kind === "version") {
    process.stdout.write(
      `Vigil v=${packageVersion()} redis=${REDIS_VERSION} mode=sentinel node=${process.version}\n`,
    );
    return;
  }
  if (command.kind === "help") {
    process.stdout.write(USAGE);
    return;
  }
  // Before the config and the daemon's modules load: their compilation is the first burst.
  const heap = tuneHeap();
  const compilers = holdCompilers();
  const stdin = command.stdin ? await readStdinConfig() : undefined;
  const loaded = await load(command.configFile, command.overrides, stdin);
  if (loaded === null) {
    process.exitCode = 1;
    return;
  }
  if (command.testConfig) {
    process.stdout.write("Configuration test passed\n");
    return;
  }
  const { takeDaemonChildMark, launchDaemon, reportServing } = await import("./shell/daemonize.js");
  const daemonized = takeDaemonChildMark() && loaded.server.daemonize;
  if (loaded.server.daemonize && !daemonized) {
    process.exit(await launchDaemon(fileURLToPath(import.meta.url), argv, stdin));
  }
  if (loaded.server.dir !== "") process.chdir(loaded.server.dir);
  const { startDaemon } = await import("./shell/daemon.js");
  const daemon = await startDaemon(loaded, {
    executable: fileURLToPath(new URL("../bin/vigil", import.meta.url)),
    exit: (code) => process.exit(code),
  });
  const onSignal = (signal: NodeJS.Signals): void => {
    daemon.logger.fromSignalHandler(`Received ${signal} scheduling shutdown...`);
    void daemon.shutdown(signal);
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  process.off("SIGHUP", ignoreHangup);
  process.on("SIGHUP", () => {
    daemon.logger.reopen();
    daemon.reloadTls();
  });
  heap.adapt();
  compilers.releaseWhenBusy();
  if (daemonized) reportServing();
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
