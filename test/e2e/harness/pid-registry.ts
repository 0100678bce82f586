// The global safety net: every process the harness spawns is registered here by pid and
// unregistered when it exits. Whatever is still registered when the test or benchmark process
// exits (normally, by an uncaught error, or on SIGINT/SIGTERM/SIGHUP) is sent SIGCONT (in case it
// was paused) and SIGKILL — by pid, never by name.

const live = new Map<number, string>();
let installed = false;

function killLeftovers(): void {
  for (const pid of live.keys()) {
    try {
      process.kill(pid, "SIGCONT");
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  live.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", killLeftovers);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      killLeftovers();
      process.exit(signal === "SIGINT" ? 130 : 143);
    });
  }
}

export function registerPid(pid: number, label: string): void {
  install();
  live.set(pid, label);
}

export function unregisterPid(pid: number): void {
  live.delete(pid);
}

/** Label of every process still registered (for leak checks in tests). */
export function livePids(): ReadonlyMap<number, string> {
  return live;
}

/** Kills every registered process now (SIGKILL by pid). */
export function killAllRegistered(): void {
  killLeftovers();
}
