/**
 * Admin operations from SENTINEL subcommands that change state (docs/PROTOCOL.md §9.2, §9.5,
 * §9.6), dispatched from a table. Each answers exactly once through `adminReply`; an answer
 * given after a flush request is flagged afterPersist, so the shell turns it into
 * "-ERR Failed to save config file. Check server logs." when the write fails.
 */
import type { CoreContext } from "../model/context.js";
import { defaultMasterSettings } from "../model/config.js";
import { configSet, debugSet, dropPeerConnections } from "./config.js";
import { sentinelSet } from "./set.js";
import { forceFailover } from "../failover/failover-state.js";
import { askMasterStateToOtherSentinels } from "../detection/ask-peers.js";
import { forgetSentinel } from "./forget-sentinel.js";
import type { AdminOp } from "../model/inputs.js";
import { createMaster } from "../records/instances.js";
import { instanceText } from "../records/instance-text.js";
import { INVALID_MASTER_NAME, isValidMasterName } from "../model/field-rules.js";
import { isAcceptableHost, isValidPort } from "../basics/ip-literal.js";
import type { AdminResult } from "../model/ready.js";
import { removeMaster, resetMastersByPattern } from "./drop-master.js";
import type { MasterState } from "../model/state.js";

const NO_SUCH_MASTER: AdminResult = { kind: "error", message: "ERR No such master with that name" };
const OK: AdminResult = { kind: "ok" };

type Handler<K extends AdminOp["op"]> = (
  ctx: CoreContext,
  requestId: number,
  op: Extract<AdminOp, { op: K }>,
) => void;

function withMaster(
  ctx: CoreContext,
  requestId: number,
  name: string,
  body: (master: MasterState) => void,
): void {
  const master = ctx.state.masters.get(name);
  if (master === undefined) ctx.out.adminReply(requestId, NO_SUCH_MASTER);
  else body(master);
}

/** SENTINEL MONITOR's checks, in Redis's order; null when the op is acceptable. */
function monitorError(ctx: CoreContext, op: Extract<AdminOp, { op: "monitor" }>): string | null {
  if (op.quorum <= 0) return "ERR Quorum must be 1 or greater.";
  if (!isAcceptableHost(op.host, ctx.state.global.resolveHostnames)) {
    return "ERR Invalid IP address or hostname specified";
  }
  if (!isValidPort(op.port)) return "ERR Invalid port number.";
  if (!isValidMasterName(op.name)) return `ERR ${INVALID_MASTER_NAME}`;
  if (ctx.state.masters.has(op.name)) return "ERR Duplicate master name.";
  return null;
}

/** SENTINEL MONITOR: validate, create, flush, `+monitor`. */
function monitor(
  ctx: CoreContext,
  requestId: number,
  op: Extract<AdminOp, { op: "monitor" }>,
): void {
  const error = monitorError(ctx, op);
  if (error !== null) {
    ctx.out.adminReply(requestId, { kind: "error", message: error });
    return;
  }
  const timing = ctx.state.timing;
  const master = createMaster(
    ctx.now,
    op.name,
    { ip: op.host, port: op.port },
    {
      ...defaultMasterSettings(op.quorum),
      // New masters take the (SENTINEL DEBUG adjustable) defaults.
      downAfterPeriod: timing.defaultDownAfter,
      failoverTimeout: timing.defaultFailoverTimeout,
    },
  );
  ctx.state.masters.set(op.name, master);
  ctx.out.flush();
  ctx.out.event(
    "+monitor",
    `${instanceText(ctx.state, master, master)} quorum ${op.quorum}`,
    master.name,
  );
  ctx.out.adminReply(requestId, OK);
}

const HANDLERS: { readonly [K in AdminOp["op"]]: Handler<K> } = {
  monitor,
  remove: (ctx, requestId, op) => {
    withMaster(ctx, requestId, op.name, (master) => {
      removeMaster(ctx, master);
      ctx.out.adminReply(requestId, OK);
    });
  },
  set: (ctx, requestId, op) => {
    withMaster(ctx, requestId, op.name, (master) => {
      const { result, flushFirst } = sentinelSet(ctx, master, op.pairs);
      // Success: flush, then +OK (or the save error). An error reply goes out as it is, and
      // what was applied before the bad option is flushed all the same.
      if (flushFirst) {
        ctx.out.flush();
        ctx.out.adminReply(requestId, result);
      } else {
        ctx.out.adminReply(requestId, result);
        ctx.out.flush();
      }
    });
  },
  reset: (ctx, requestId, op) => {
    ctx.out.adminReply(requestId, {
      kind: "integer",
      value: resetMastersByPattern(ctx, op.pattern),
    });
  },
  failover: (ctx, requestId, op) => {
    withMaster(ctx, requestId, op.name, (master) => {
      const result = forceFailover(ctx, master, {
        ...(op.coordinated === true ? { coordinated: true } : {}),
        ...(op.to === undefined ? {} : { to: op.to }),
      });
      ctx.out.adminReply(requestId, result);
      // Valkey asks for the votes at once (SENTINEL_ASK_FORCED); the forced failover needs none.
      if (result.kind === "ok" && op.coordinated === true) {
        askMasterStateToOtherSentinels(ctx, master, true);
      }
    });
  },
  "forget-sentinel": (ctx, requestId, op) => {
    withMaster(ctx, requestId, op.name, (master) => {
      ctx.out.adminReply(requestId, forgetSentinel(ctx, master, op.runId));
    });
  },
  flushconfig: (ctx, requestId) => {
    ctx.out.flush();
    ctx.out.adminReply(requestId, OK);
  },
  "config-set": (ctx, requestId, op) => {
    const { result, applied, drop } = configSet(ctx, op.pairs);
    if (applied) ctx.out.flush();
    ctx.out.adminReply(requestId, result);
    if (drop) dropPeerConnections(ctx);
  },
  "simulate-failure": (ctx, requestId, op) => {
    ctx.state.simulateFailureFlags = op.flags;
    ctx.out.adminReply(requestId, OK);
  },
  "debug-set": (ctx, requestId, op) => {
    ctx.out.adminReply(requestId, debugSet(ctx, op.pairs));
  },
};

export function runAdminOp(ctx: CoreContext, requestId: number, op: AdminOp): void {
  const handler = HANDLERS[op.op] as Handler<AdminOp["op"]>;
  handler(ctx, requestId, op);
}
