/**
 * SENTINEL SET <master> <option> <value> … (docs/PROTOCOL.md §9.5; sentinel.c:
 * sentinelSetCommand). Options apply in order with one `+set` each; the first bad one stops the
 * walk with Redis's error text, earlier ones staying applied, and the configuration is flushed
 * either way. Script paths were checked for executability by the command layer.
 */
import type { CoreContext } from "../model/context.js";
import type { MasterSettings } from "../model/config.js";
import { instanceText } from "../records/instance-text.js";
import { closeLink } from "../records/link-health.js";
import type { AdminResult } from "../model/ready.js";
import { parseStrictInt } from "../basics/redis-int.js";
import { announceRenamedCommands } from "../records/renamed-commands.js";
import type { MasterState } from "../model/state.js";

type Outcome =
  /** Applied: how many arguments it consumed after the option, and the `+set` detail. */
  | { readonly ok: true; readonly used: number; readonly detail: string }
  | { readonly ok: false; readonly message: string };

const SCRIPTS_DENIED =
  "ERR Reconfiguration of scripts path is denied for security reasons. Check the " +
  "deny-scripts-reconfig configuration directive in your Sentinel configuration";

function invalid(value: string, option: string): Outcome {
  return { ok: false, message: `ERR Invalid argument '${value}' for SENTINEL SET '${option}'` };
}

function update(master: MasterState, change: Partial<MasterSettings>): void {
  master.settings = { ...master.settings, ...change };
}

/** sentinel.c: dropInstanceConnections — new credentials need new connections. */
function dropInstanceConnections(ctx: CoreContext, master: MasterState): void {
  closeLink(ctx, master.link);
  for (const replica of master.replicas.values()) closeLink(ctx, replica.link);
}

const NUMERIC: Readonly<Record<string, { key: keyof MasterSettings; min: number }>> = {
  "down-after-milliseconds": { key: "downAfterPeriod", min: 1 },
  "failover-timeout": { key: "failoverTimeout", min: 1 },
  "parallel-syncs": { key: "parallelSyncs", min: 1 },
  quorum: { key: "quorum", min: 1 },
  "master-reboot-down-after-period": { key: "masterRebootDownAfterPeriod", min: 0 },
  // Valkey 8's name for it; the +set event shows the option as typed, as both do.
  "primary-reboot-down-after-period": { key: "masterRebootDownAfterPeriod", min: 0 },
};

function applyOne(
  ctx: CoreContext,
  master: MasterState,
  option: string,
  rest: readonly string[],
): Outcome {
  const name = option.toLowerCase();
  const value = rest[0];
  const numeric = NUMERIC[name];
  if (numeric !== undefined && value !== undefined) {
    const n = parseStrictInt(value);
    if (n === null || n < numeric.min) return invalid(value, option);
    update(master, { [numeric.key]: n });
    return { ok: true, used: 1, detail: `${option} ${value}` };
  }
  if (
    (name === "notification-script" || name === "client-reconfig-script") &&
    value !== undefined
  ) {
    if (ctx.state.global.denyScriptsReconfig) return { ok: false, message: SCRIPTS_DENIED };
    update(
      master,
      name === "notification-script"
        ? { notificationScript: value }
        : { clientReconfigScript: value },
    );
    return { ok: true, used: 1, detail: `${option} ${value}` };
  }
  if ((name === "auth-pass" || name === "auth-user") && value !== undefined) {
    update(master, name === "auth-pass" ? { authPass: value } : { authUser: value });
    dropInstanceConnections(ctx, master);
    return { ok: true, used: 1, detail: `${option} ${name === "auth-pass" ? "******" : value}` };
  }
  if (name === "fence-isolated-master" && value !== undefined) {
    const v = value.toLowerCase();
    if (v !== "yes" && v !== "no") return invalid(value, option);
    update(master, { fenceIsolatedMaster: v === "yes" });
    return { ok: true, used: 1, detail: `${option} ${v}` };
  }
  const newName = rest[1];
  if (name === "rename-command" && value !== undefined && newName !== undefined) {
    if (value === "" || newName === "") return invalid(newName === "" ? newName : value, option);
    const from = value.toLowerCase();
    const kept = Object.entries(master.settings.renamedCommands).filter(
      ([key]) => key.toLowerCase() !== from,
    );
    // Renaming a command to itself just removes the entry. The name is kept as typed, as
    // sentinel.c's table then holds it (and writes it), also a name such as `__proto__`.
    if (from !== newName.toLowerCase()) kept.push([value, newName]);
    update(master, { renamedCommands: Object.fromEntries(kept) });
    announceRenamedCommands(ctx, master);
    return { ok: true, used: 2, detail: `${option} ${value} ${newName}` };
  }
  return {
    ok: false,
    message: `ERR Unknown option or number of arguments for SENTINEL SET '${option}'`,
  };
}

export function sentinelSet(
  ctx: CoreContext,
  master: MasterState,
  pairs: readonly (readonly string[])[],
): { result: AdminResult; flushFirst: boolean } {
  // Redis walks a flat argument list (rename-command takes two values, which may hold spaces).
  const args = pairs.flat();
  let i = 0;
  while (i < args.length) {
    const option = args[i] ?? "";
    const outcome = applyOne(ctx, master, option, args.slice(i + 1));
    if (!outcome.ok)
      return { result: { kind: "error", message: outcome.message }, flushFirst: false };
    ctx.out.event(
      "+set",
      `${instanceText(ctx.state, master, master)} ${outcome.detail}`,
      master.name,
    );
    i += 1 + outcome.used;
  }
  return { result: { kind: "ok" }, flushFirst: true };
}
