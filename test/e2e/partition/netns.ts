// Test hosts in network namespaces for the partition tests: a hub namespace holding a bridge,
// one namespace per host plugged into it by a veth pair, and a veth from the test's own
// namespace so the test reaches every host. Every name and address is the test's own
// (10.88.<n>.0/24, <n> from the pid) and removed by destroy(). Needs root and iproute2.
import { execFileSync, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";

function ip(args: readonly string[]): void {
  execFileSync("ip", [...args], { stdio: ["ignore", "ignore", "pipe"], timeout: 10_000 });
}

/** Why the namespaces cannot be made here, or null when they can. */
export function netnsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return "not root (network namespaces need CAP_NET_ADMIN)";
  try {
    execFileSync("ip", ["netns", "list"], { stdio: "ignore", timeout: 5000 });
  } catch {
    return "`ip netns` is not available (iproute2)";
  }
  return null;
}

export class NetnsHosts {
  readonly prefix: string;
  /** The /24 the hosts live in: host k (from 1) is `${subnet}.${k}`, the test `${subnet}.254`. */
  readonly subnet: string;
  private readonly hosts: string[] = [];
  private made = false;
  readonly names: readonly string[];

  constructor(names: readonly string[]) {
    this.names = names;
    this.prefix = `vg${process.pid % 100_000}`;
    this.subnet = `10.88.${100 + (process.pid % 100)}`;
  }

  ns(host: string): string {
    return `${this.prefix}${host}`;
  }

  addr(host: string): string {
    return `${this.subnet}.${this.names.indexOf(host) + 1}`;
  }

  /** The hub-side end of a host's veth (cut and heal set it down and up). */
  private hubEnd(host: string): string {
    return `${this.prefix}x${host}`;
  }

  create(): void {
    this.made = true;
    const hub = this.ns("hub");
    ip(["netns", "add", hub]);
    ip(["-n", hub, "link", "add", "br0", "type", "bridge"]);
    ip(["-n", hub, "link", "set", "br0", "up"]);
    for (const host of this.names) {
      const ns = this.ns(host);
      ip(["netns", "add", ns]);
      this.hosts.push(ns);
      ip(["link", "add", this.hubEnd(host), "type", "veth", "peer", "name", "eth0", "netns", ns]);
      ip(["link", "set", this.hubEnd(host), "netns", hub]);
      ip(["-n", hub, "link", "set", this.hubEnd(host), "master", "br0", "up"]);
      ip(["-n", ns, "addr", "add", `${this.addr(host)}/24`, "dev", "eth0"]);
      ip(["-n", ns, "link", "set", "eth0", "up"]);
      ip(["-n", ns, "link", "set", "lo", "up"]);
    }
    ip(["link", "add", `${this.prefix}r`, "type", "veth", "peer", "name", `${this.prefix}y`]);
    ip(["link", "set", `${this.prefix}y`, "netns", hub]);
    ip(["-n", hub, "link", "set", `${this.prefix}y`, "master", "br0", "up"]);
    ip(["addr", "add", `${this.subnet}.254/24`, "dev", `${this.prefix}r`]);
    ip(["link", "set", `${this.prefix}r`, "up"]);
  }

  /** Cuts a host off from every other host and from the test (its port on the bridge goes down). */
  cut(host: string): void {
    ip(["-n", this.ns("hub"), "link", "set", this.hubEnd(host), "down"]);
  }

  heal(host: string): void {
    ip(["-n", this.ns("hub"), "link", "set", this.hubEnd(host), "up"]);
  }

  /** Starts a program inside a host's namespace (`ip netns exec` execs it: same pid). */
  spawn(host: string, file: string, args: readonly string[], cwd: string): ChildProcess {
    return spawn("ip", ["netns", "exec", this.ns(host), file, ...args], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
  }

  destroy(): void {
    if (!this.made) return;
    const quiet = (args: readonly string[]): void => {
      try {
        ip(args);
      } catch {
        // Already gone.
      }
    };
    quiet(["link", "del", `${this.prefix}r`]);
    for (const ns of this.hosts) quiet(["netns", "del", ns]);
    quiet(["netns", "del", this.ns("hub")]);
    this.made = false;
  }
}
