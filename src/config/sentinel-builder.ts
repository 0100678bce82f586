/**
 * A mutable sentinel state under construction, used while applying `sentinel` directives and
 * frozen into a SentinelConfig at the end.
 */
import type {
  Addr,
  Epoch,
  GlobalSettings,
  KnownSentinel,
  MasterSettings,
  SentinelConfig,
} from "../core/index.js";
import { newSentinelState } from "../core/index.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface MasterBuilder {
  readonly name: string;
  addr: Addr;
  /** renamedCommands here is ignored: `renamed` holds them while building. */
  settings: Mutable<MasterSettings>;
  /**
   * lowercase original name → [original name as written, new name] (sentinel.c:
   * renamedCommandsDictType is case-insensitive; the rewrite writes the name as it was given).
   */
  readonly renamed: Map<string, readonly [string, string]>;
  configEpoch: Epoch;
  leaderEpoch: Epoch;
  readonly knownReplicas: Addr[];
  readonly knownSentinels: KnownSentinel[];
}

export interface SentinelBuilder {
  myId: string;
  currentEpoch: Epoch;
  global: Mutable<GlobalSettings>;
  readonly masters: Map<string, MasterBuilder>;
}

/** What a config without `sentinel` lines gives: the core's empty state (newSentinelState). */
export function emptySentinelBuilder(): SentinelBuilder {
  const empty = newSentinelState();
  return {
    myId: empty.myId,
    currentEpoch: empty.currentEpoch,
    global: { ...empty.global },
    masters: new Map(),
  };
}

export function builderFrom(config: SentinelConfig): SentinelBuilder {
  const b: SentinelBuilder = {
    myId: config.myId,
    currentEpoch: config.currentEpoch,
    global: { ...config.global },
    masters: new Map(),
  };
  for (const m of config.masters) {
    b.masters.set(m.name, {
      name: m.name,
      addr: m.addr,
      settings: { ...m.settings },
      renamed: new Map(
        Object.entries(m.settings.renamedCommands).map(([from, to]) => [
          from.toLowerCase(),
          [from, to] as const,
        ]),
      ),
      configEpoch: m.configEpoch,
      leaderEpoch: m.leaderEpoch,
      knownReplicas: [...m.knownReplicas],
      knownSentinels: [...m.knownSentinels],
    });
  }
  return b;
}

export function freezeSentinel(b: SentinelBuilder): SentinelConfig {
  return {
    myId: b.myId,
    currentEpoch: b.currentEpoch,
    global: { ...b.global },
    masters: [...b.masters.values()].map((m) => ({
      name: m.name,
      addr: m.addr,
      settings: { ...m.settings, renamedCommands: Object.fromEntries(m.renamed.values()) },
      configEpoch: m.configEpoch,
      leaderEpoch: m.leaderEpoch,
      knownReplicas: [...m.knownReplicas],
      knownSentinels: [...m.knownSentinels],
    })),
  };
}
