/**
 * The signals redis-sentinel 7.0.15 leaves at their default action or ignores, where Node's own
 * action differs (docs/COMPATIBILITY.md, "Process and logs"):
 * - SIGUSR1 ends redis-sentinel (no handler: killed by the signal, nothing logged). Node would
 *   instead open its inspector on 127.0.0.1:9229, through which any local user could run code
 *   in the sentinel. The handler gives the signal back its default action and raises it again,
 *   so the process ends as Redis's does (exit status 128 + 10).
 * - SIGALRM is taken by redis-sentinel without effect (its watchdog handler; the watchdog is
 *   off) where Node's default would end the process: ignored.
 * SIGHUP, SIGTERM and SIGINT are main.ts's; SIGUSR2 and SIGQUIT end both programs already.
 */

/** Installs the handlers; called first thing, before the config is read. */
export function installRedisSignalActions(proc: NodeJS.Process = process): void {
  const endByUsr1 = (): void => {
    // The last listener gone, libuv restores the default action: the raise ends the process.
    proc.off("SIGUSR1", endByUsr1);
    proc.kill(proc.pid, "SIGUSR1");
  };
  proc.on("SIGUSR1", endByUsr1);
  proc.on("SIGALRM", () => undefined);
}
