/**
 * The channel arguments ACL checks for a command (acl.c: getChannelsFromCommand): every
 * argument of SUBSCRIBE and PSUBSCRIBE (patterns), the channel of PUBLISH. UNSUBSCRIBE and
 * PUNSUBSCRIBE are never checked.
 */
import type { ChannelArg } from "./acl.js";

/** `argv` with the command name first; undefined for a command without channels. */
export function channelArgs(top: string, argv: readonly string[]): ChannelArg[] | undefined {
  if (top === "publish") return [{ name: argv[1] ?? "", isPattern: false }];
  if (top !== "subscribe" && top !== "psubscribe") return undefined;
  const isPattern = top === "psubscribe";
  return argv.slice(1).map((name) => ({ name, isPattern }));
}
