/**
 * Inputs of connections the core no longer listens to. sentinel.c frees a hiredis context when
 * it closes a connection or releases a link, and its callbacks never run again; Vigil's inputs
 * travel through a queue, so some may still wait there when the core closes the connection they
 * came from, asks for a new one, or replaces the record by one with the same link id (a replica
 * recreated by a switch, a master reset to a new address). Such an input must not be taken for
 * news of the current connection: a stale link-connected marked a new replica record connected
 * while the shell held no connection for it (seen in CI), and an old master's INFO queued across
 * a switch would describe the new master.
 *
 * An input is dropped when its `gen` is not the generation of the latest connect of its
 * connection, or when that connection is being closed by us and the input is not the answer to
 * the close (link-closed). Inputs without `gen` (tests, the simulation) are taken as current.
 *
 * The dispatch looks the input's link up once (inputLinkUser) and hands the record it found to
 * this check and to the input's handler: at 200 masters and three sentinels, the second lookup
 * of every reply and hello (four map reads) was a few per cent of the CPU.
 */
import { firstLinkUser, type LinkUser } from "./link-users.js";
import type { Input } from "../model/inputs.js";
import type { ConnKind, LinkId, SentinelState } from "../model/state.js";

/** The link an input came from, or null for an input of no link. */
export function inputLink(input: Input): LinkId | null {
  switch (input.type) {
    case "link-connected":
    case "link-closed":
    case "ping-reply":
    case "info-reply":
    case "publish-reply":
    case "command-done":
    case "is-master-down-reply":
      return input.link;
    case "hello-received":
      return input.via;
    case "tick":
    case "is-master-down-request":
    case "admin":
    case "persist-failed":
    case "host-resolved":
    case "shutdown":
      return null;
  }
}

/** The first record on the input's link (link-users.ts: firstLinkUser); undefined: none. */
export function inputLinkUser(state: SentinelState, input: Input): LinkUser | undefined {
  const id = inputLink(input);
  return id === null ? undefined : firstLinkUser(state, id);
}

/**
 * Whether `input` comes from a connection that is no longer the link's current one. `first` is
 * inputLinkUser's answer for it, when the caller has it.
 */
export function fromStaleConnection(
  state: SentinelState,
  input: Input,
  first: LinkUser | undefined = inputLinkUser(state, input),
): boolean {
  // No link, or no record on it: the handlers ignore the input anyway.
  if (first === undefined) return false;
  // Runs for every input: no object is made to describe the source.
  let conn: ConnKind;
  switch (input.type) {
    case "link-connected":
    case "link-closed":
      if (input.gen === undefined) return false;
      conn = input.conn;
      break;
    case "ping-reply":
    case "info-reply":
    case "publish-reply":
    case "command-done":
    case "is-master-down-reply":
      if (input.gen === undefined) return false;
      conn = "cmd";
      break;
    case "hello-received":
      if (input.gen === undefined) return false;
      conn = "pubsub";
      break;
    case "tick":
    case "is-master-down-request":
    case "admin":
    case "persist-failed":
    case "host-resolved":
    case "shutdown":
      return false;
  }
  const link = first.instance.link;
  const cmd = conn === "cmd";
  if (input.gen !== (cmd ? link.cmdGen : link.pubsubGen)) return true;
  return input.type !== "link-closed" && (cmd ? link.cmdClosing : link.pubsubClosing);
}
