// Resource readings for one process from Linux's /proc: CPU time (its threads' run time from
// /proc/<pid>/task/*/schedstat, in ns; the user / system split from /proc/<pid>/stat, in clock
// ticks), time waited for a CPU (/proc/<pid>/task/*/schedstat), peak and current
// resident memory (VmHWM / VmRSS from /proc/<pid>/status), the main thread's wake-ups
// (voluntary context switches), and the number of ESTABLISHED TCP sockets it holds (its socket inodes in /proc/<pid>/fd matched
// against /proc/<pid>/net/tcp and tcp6).
import { execFileSync } from "node:child_process";
import fs from "node:fs";

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond =
        Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU seconds the process has used so far, in user space and in the kernel. */
export function cpuTimes(pid: number): { user: number; system: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may contain spaces: fields are counted after its closing paren.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { user: Number(fields[11]) / clockTicks(), system: Number(fields[12]) / clockTicks() };
}

/**
 * CPU seconds (user + system) the process has used so far, to the nanosecond: the run time of
 * each of its threads (/proc/<pid>/task/<tid>/schedstat, first field), summed. /proc/<pid>/stat
 * counts 10 ms clock ticks, too coarse for an A/B window at a few hundred masters (a few tenths
 * of a second of CPU). Both cover every thread; the sum leaves out threads that ended, which a
 * node process keeps for its lifetime (V8's workers, libuv's pool), so a difference over a
 * window holds. Without schedstat (a kernel built without it): the clock ticks of stat.
 */
export function cpuSeconds(pid: number): number {
  const ns = threadsSchedstatNs(pid, 0);
  if (ns !== null) return ns / 1e9;
  const { user, system } = cpuTimes(pid);
  return user + system;
}

/**
 * The sum over the process's threads of field `index` of their schedstat (ns): 0 the time run
 * on a CPU, 1 the time waited on a run queue. Null when no thread's file could be read.
 */
function threadsSchedstatNs(pid: number, index: number): number | null {
  let ns = 0;
  let read = false;
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const fields = fs
        .readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8")
        .trim()
        .split(" ");
      ns += Number(fields[index] ?? 0);
      read = true;
    } catch {
      // The thread ended between the listing and the read (or there is no schedstat).
    }
  }
  return read ? ns : null;
}

function statusKb(pid: number, key: string): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const line = status.split("\n").find((l) => l.startsWith(`${key}:`));
  return line === undefined ? NaN : Number(line.split(/\s+/)[1]);
}

/**
 * Seconds the process's threads have waited on a run queue so far: ready to run, but the CPU
 * was busy with others (/proc/<pid>/schedstat of each thread, second field, ns). Event-loop lag
 * includes this wait: on a loaded machine it is the machine's lag, not the loop's.
 */
export function runQueueWaitSeconds(pid: number): number {
  return (threadsSchedstatNs(pid, 1) ?? 0) / 1e9;
}

/**
 * Times the process's main thread went to sleep and was woken so far: its voluntary context
 * switches (/proc/<pid>/task/<pid>/status). An event loop blocks in epoll_wait between wake-ups,
 * so this counts its wake-ups (timers and I/O alike); other threads are not counted.
 */
export function mainThreadWakeups(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/task/${pid}/status`, "utf8");
  const line = status.split("\n").find((l) => l.startsWith("voluntary_ctxt_switches:"));
  return line === undefined ? NaN : Number(line.split(/\s+/)[1]);
}

/** Reads `read` for each pid now; the function returned gives each one's increase per second. */
export function rateSince(
  pids: readonly number[],
  read: (pid: number) => number,
): (elapsedS: number) => number[] {
  const before = pids.map(read);
  return (elapsedS) => pids.map((pid, i) => (read(pid) - (before[i] ?? 0)) / elapsedS);
}

/** Peak resident set size, MiB. */
export function peakRssMiB(pid: number): number {
  return statusKb(pid, "VmHWM") / 1024;
}

/** Current resident set size, MiB. */
export function rssMiB(pid: number): number {
  return statusKb(pid, "VmRSS") / 1024;
}

const ESTABLISHED = "01";

/** ESTABLISHED TCP connections held by the process (both directions). */
export function establishedTcp(pid: number): number {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match?.[1] !== undefined) inodes.add(match[1]);
    } catch {
      // The fd closed while we looked.
    }
  }
  let count = 0;
  for (const table of ["tcp", "tcp6"]) {
    let text: string;
    try {
      text = fs.readFileSync(`/proc/${pid}/net/${table}`, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === ESTABLISHED && cols[9] !== undefined && inodes.has(cols[9])) count++;
    }
  }
  return count;
}
