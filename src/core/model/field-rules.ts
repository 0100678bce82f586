/**
 * Value rules shared by the commands (SENTINEL MONITOR / SET / CONFIG SET) and the config
 * loader, so that whatever a command accepts loads again from the rewritten file
 * (docs/COMPATIBILITY.md, "Values refused at the command").
 */
import { isIpLiteral } from "../basics/ip-literal.js";
import type { SentinelState } from "./state.js";

/** Vigil's text: Redis accepts any name, and then cannot load the file it rewrote. */
export const INVALID_MASTER_NAME = "Invalid master name.";

/** C isspace(): the bytes that split event text and config arguments. */
function isCSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

/**
 * A master name must survive hello messages (comma separated), event text (space separated)
 * and config lines: not empty, no comma, no C whitespace.
 */
export function isValidMasterName(name: string): boolean {
  if (name === "") return false;
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code === 0x2c || isCSpace(code)) return false;
  }
  return true;
}

/** Valkey's containsControlChars: 0x00–0x1F and 0x7F. */
export function hasControlChars(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x1f || code === 0x7f) return true;
  }
  return false;
}

/**
 * Valkey's sentinelValidateArgs: the first argument from `first` on holding a control
 * character, as its index in the whole command (SENTINEL is 0), or -1. `args` are the
 * arguments after SENTINEL, so args[i] is index i + 1.
 */
export function controlCharIndex(args: readonly string[], first: number): number {
  for (let i = first - 1; i < args.length; i++) {
    if (hasControlChars(args[i] ?? "")) return i + 1;
  }
  return -1;
}

/** Valkey's error for it, `command` as "SENTINEL SET", "SENTINEL MONITOR", …. */
export function controlCharError(index: number, command: string): string {
  return `ERR Invalid argument at index ${index} for ${command}: control characters are not allowed`;
}

/**
 * Whether some monitored or known address is a hostname. Vigil writes addresses as they are
 * held (it does not resolve names, docs/COMPATIBILITY.md), and a file with hostnames loads only
 * with `resolve-hostnames yes`: CONFIG SET resolve-hostnames no is refused meanwhile.
 */
export function holdsHostnames(state: SentinelState): boolean {
  for (const master of state.masters.values()) {
    if (!isIpLiteral(master.addr.ip)) return true;
    for (const replica of master.replicas.values()) if (!isIpLiteral(replica.addr.ip)) return true;
    for (const peer of master.sentinels.values()) if (!isIpLiteral(peer.addr.ip)) return true;
  }
  return false;
}
