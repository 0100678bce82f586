// The failovers the demo saw (+switch-master, once per switch however many sentinels announce
// it) and the end-of-run summary: did the client write again, on the new master, after it?
import type { DemoEvent } from "./observer.js";
import type { WriteStats } from "./write-loop.js";

export interface Switch {
  readonly at: number;
  readonly from: string;
  readonly to: string;
  readonly toPort: number;
}

export class SwitchLog {
  readonly switches: Switch[] = [];

  /** Records a `+switch-master <name> <old ip> <old port> <new ip> <new port>` event. */
  add(event: DemoEvent): Switch | null {
    if (event.channel !== "+switch-master") return null;
    const [, oldIp, oldPort, newIp, newPort] = event.message.split(" ");
    const to = `${newIp ?? "?"}:${newPort ?? "?"}`;
    if (this.switches.at(-1)?.to === to) return null;
    const entry = {
      at: event.at,
      from: `${oldIp ?? "?"}:${oldPort ?? "?"}`,
      to,
      toPort: Number(newPort),
    };
    this.switches.push(entry);
    return entry;
  }
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}

/** The summary lines and whether the run shows continuity (a switch, then a write on the new master). */
export function summarize(log: SwitchLog, writes: WriteStats): { lines: string[]; ok: boolean } {
  const last = log.switches.at(-1);
  const lastOk = writes.lastOk;
  const after =
    last !== undefined && lastOk !== null && lastOk.at >= last.at && lastOk.port === last.toPort
      ? lastOk
      : null;
  const lines = [
    "summary:",
    last === undefined
      ? "  failover seen: none"
      : `  failover seen: ${log.switches.map((s) => `${s.from} -> ${s.to} at ${clock(s.at)}`).join(", ")}`,
    `  acknowledged writes: ${writes.acknowledged}`,
    `  failed writes: ${writes.failed}`,
    after === null
      ? "  last acknowledged write after the switch: none"
      : `  last acknowledged write after the switch: demo:counter=${after.seq} at ${clock(after.at)} by 127.0.0.1:${after.port}`,
  ];
  return { lines, ok: after !== null };
}
