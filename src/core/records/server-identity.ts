/**
 * What the core knows about its own server that is not sentinel state: the port it listens on
 * (the hello's port when announce-port is unset) and `requirepass` (used to authenticate to
 * peers when sentinel-pass is unset). Kept beside SentinelState, keyed by it, so records built
 * by hand in tests get the defaults.
 */
import type { SentinelState } from "../model/state.js";

export interface ServerIdentity {
  readonly port: number;
  readonly requirePass: string;
}

export const DEFAULT_SERVER_IDENTITY: ServerIdentity = { port: 26379, requirePass: "" };

const identities = new WeakMap<SentinelState, ServerIdentity>();

export function setServerIdentity(state: SentinelState, identity: ServerIdentity): void {
  identities.set(state, identity);
}

export function serverIdentity(state: SentinelState): ServerIdentity {
  return identities.get(state) ?? DEFAULT_SERVER_IDENTITY;
}
