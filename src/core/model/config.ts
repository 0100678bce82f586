/**
 * The sentinel state the core is built from and hands back to be persisted: the `sentinel ...`
 * part of sentinel.conf (or the YAML form), already validated. Loading yields a SentinelConfig;
 * every flush (Ready.persist) is a SentinelConfig with myId set, so the two are one type.
 *
 * Empty strings mean "unset", as in Redis (`SENTINEL SET m auth-pass ""` clears it).
 */
import type { Addr } from "../basics/addr.js";
import type { Epoch } from "../basics/epoch.js";
import type { EventLevel } from "./events.js";

/** Per-master settings changed by `sentinel <option> <master> ...` and SENTINEL SET. */
export interface MasterSettings {
  readonly quorum: number;
  readonly downAfterPeriod: number;
  readonly failoverTimeout: number;
  readonly parallelSyncs: number;
  readonly masterRebootDownAfterPeriod: number;
  readonly notificationScript: string;
  readonly clientReconfigScript: string;
  readonly authPass: string;
  readonly authUser: string;
  /**
   * rename-command: original name, as given → new name; one entry per name compared without
   * case (links look them up lowercased: records/renamed-commands.ts, linkRenames).
   */
  readonly renamedCommands: Readonly<Record<string, string>>;
  /**
   * Vigil: `sentinel fence-isolated-master <name> yes` — pause the master's writes while this
   * sentinel reaches it but neither a majority of the sentinels nor a replica in sync
   * (detection/fence.ts, docs/COMPATIBILITY.md "Self-fencing").
   */
  readonly fenceIsolatedMaster: boolean;
}

export interface KnownSentinel {
  readonly addr: Addr;
  readonly runId: string;
}

export interface MasterConfig {
  readonly name: string;
  /** The monitored address (hostname allowed with resolve-hostnames). */
  readonly addr: Addr;
  readonly settings: MasterSettings;
  readonly configEpoch: Epoch;
  readonly leaderEpoch: Epoch;
  readonly knownReplicas: readonly Addr[];
  readonly knownSentinels: readonly KnownSentinel[];
}

/** Global `sentinel` directives (docs/PROTOCOL.md §10.2). */
export interface GlobalSettings {
  readonly announceIp: string;
  /** 0 = unset. */
  readonly announcePort: number;
  readonly denyScriptsReconfig: boolean;
  readonly resolveHostnames: boolean;
  readonly announceHostnames: boolean;
  readonly sentinelUser: string;
  readonly sentinelPass: string;
  /**
   * The server's `loglevel`, kept here because SENTINEL CONFIG SET changes it (Redis 7.2); the
   * loader copies the `loglevel` directive into it and the rewrite writes it back.
   */
  readonly logLevel: EventLevel;
}

export interface SentinelConfig {
  /** 40 lowercase hex chars; "" = not yet generated (the core generates it and flushes). */
  readonly myId: string;
  readonly currentEpoch: Epoch;
  readonly global: GlobalSettings;
  readonly masters: readonly MasterConfig[];
}

/** What the shell writes on every flush: always with a myId. */
export type PersistedState = SentinelConfig;

export const DEFAULT_GLOBAL_SETTINGS: GlobalSettings = {
  announceIp: "",
  announcePort: 0,
  denyScriptsReconfig: true,
  resolveHostnames: false,
  announceHostnames: false,
  sentinelUser: "",
  sentinelPass: "",
  logLevel: "notice",
};

export function defaultMasterSettings(quorum: number): MasterSettings {
  return {
    quorum,
    downAfterPeriod: 30_000,
    failoverTimeout: 180_000,
    parallelSyncs: 1,
    masterRebootDownAfterPeriod: 0,
    notificationScript: "",
    clientReconfigScript: "",
    authPass: "",
    authUser: "",
    renamedCommands: {},
    fenceIsolatedMaster: false,
  };
}
