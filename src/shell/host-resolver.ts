/**
 * Looks hostnames up for the core (`resolve-hostnames yes`; core/records/hosts.ts) with dns.lookup, which
 * runs getaddrinfo on libuv's thread pool: the event loop never waits for a resolver, where
 * sentinel.c calls getaddrinfo inline. The first address wins, whatever its family, as in
 * anet.c: anetResolve. A failure is logged as Redis logs it and answered as `ip: null`.
 */
import type { Input, SentinelConfig } from "../core/index.js";
import { isIpLiteral } from "../core/index.js";
import type { Logger } from "./logger.js";
import { logAt } from "./logger.js";

/** Lookups at start-up wait at most this long; an unanswered name is asked for again later. */
const STARTUP_LOOKUP_TIMEOUT_MS = 5_000;

export type LookupFn = (host: string) => Promise<string>;

// node:dns is loaded at the first lookup: a config of IP addresses never loads it.
const systemLookup: LookupFn = async (host) =>
  (await process.getBuiltinModule("node:dns/promises").lookup(host, { family: 0 })).address;

export class HostResolver {
  private readonly logger: Logger;
  private readonly lookupFn: LookupFn;

  constructor(logger: Logger, lookupFn: LookupFn = systemLookup) {
    this.logger = logger;
    this.lookupFn = lookupFn;
  }

  /** The first address of `host`, or null (logged) when it does not resolve. */
  async lookup(host: string): Promise<string | null> {
    try {
      return await this.lookupFn(host);
    } catch {
      logAt(this.logger, "warning", `Failed to resolve hostname '${host}'`);
      return null;
    }
  }

  /** The `resolve` command: the answer comes back as a `host-resolved` input. */
  resolve(host: string, push: (input: Input) => void): void {
    void this.lookup(host).then((ip) => {
      push({ type: "host-resolved", host, ip });
    });
  }

  /**
   * Every name of the loaded configuration, looked up before the core starts (sentinel.c
   * resolves them while loading): name → IP, or null when it does not resolve. A name still
   * unanswered after STARTUP_LOOKUP_TIMEOUT_MS is left out: the core asks for it again.
   */
  async lookupConfigured(config: SentinelConfig): Promise<Map<string, string | null>> {
    const names = new Set<string>();
    if (config.global.resolveHostnames) {
      for (const master of config.masters) {
        const addrs = [
          master.addr,
          ...master.knownReplicas,
          ...master.knownSentinels.map((s) => s.addr),
        ];
        for (const addr of addrs) if (!isIpLiteral(addr.ip)) names.add(addr.ip.toLowerCase());
      }
    }
    const found = new Map<string, string | null>();
    if (names.size === 0) return found;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, STARTUP_LOOKUP_TIMEOUT_MS);
    });
    const all = Promise.all(
      [...names].map(async (name) => {
        found.set(name, await this.lookup(name));
      }),
    );
    await Promise.race([all, deadline]);
    clearTimeout(timer);
    return new Map(found);
  }
}
