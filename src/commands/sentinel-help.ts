/**
 * SENTINEL HELP: the lines redis-sentinel 7.0.15 prints, then Vigil's WHY, as status replies,
 * framed the way server.c addReplyHelp frames them (a title line first, HELP last).
 */
import type { Reply } from "../protocol/reply.js";
import { R } from "../protocol/reply.js";

const LINES: readonly string[] = [
  "CKQUORUM <master-name>",
  "    Check if the current Sentinel configuration is able to reach the quorum",
  "    needed to failover a master and the majority needed to authorize the",
  "    failover.",
  "CONFIG SET <param> <value>",
  "    Set a global Sentinel configuration parameter.",
  "CONFIG GET <param>",
  "    Get global Sentinel configuration parameter.",
  "DEBUG [<param> <value> ...]",
  "    Show a list of configurable time parameters and their values (milliseconds).",
  "    Or update current configurable parameters values (one or more).",
  "GET-MASTER-ADDR-BY-NAME <master-name>",
  "    Return the ip and port number of the master with that name.",
  "FAILOVER <master-name>",
  "    Manually failover a master node without asking for agreement from other",
  "    Sentinels",
  "FLUSHCONFIG",
  "    Force Sentinel to rewrite its configuration on disk, including the current",
  "    Sentinel state.",
  "INFO-CACHE <master-name>",
  "    Return last cached INFO output from masters and all its replicas.",
  "IS-MASTER-DOWN-BY-ADDR <ip> <port> <current-epoch> <runid>",
  "    Check if the master specified by ip:port is down from current Sentinel's",
  "    point of view.",
  "MASTER <master-name>",
  "    Show the state and info of the specified master.",
  "MASTERS",
  "    Show a list of monitored masters and their state.",
  "MONITOR <name> <ip> <port> <quorum>",
  "    Start monitoring a new master with the specified name, ip, port and quorum.",
  "MYID",
  "    Return the ID of the Sentinel instance.",
  "PENDING-SCRIPTS",
  "    Get pending scripts information.",
  "REMOVE <master-name>",
  "    Remove master from Sentinel's monitor list.",
  "REPLICAS <master-name>",
  "    Show a list of replicas for this master and their state.",
  "RESET <pattern>",
  "    Reset masters for specific master name matching this pattern.",
  "SENTINELS <master-name>",
  "    Show a list of Sentinel instances for this master and their state.",
  "SET <master-name> <option> <value> [<option> <value> ...]",
  "    Set configuration parameters for certain masters.",
  "SIMULATE-FAILURE [CRASH-AFTER-ELECTION] [CRASH-AFTER-PROMOTION] [HELP]",
  "    Simulate a Sentinel crash.",
];

/**
 * Vigil's own subcommands and options (and Valkey 9's COORDINATED), after 7.0.15's lines (the
 * comparison with redis-sentinel drops them).
 */
export const VIGIL_HELP_LINES: readonly string[] = [
  "FAILOVER <master-name> [COORDINATED] [TO <ip> <port>]",
  "    COORDINATED (Valkey 9): elect a leader, then let the master hand over with its",
  "    FAILOVER command (no acknowledged write lost). TO (Vigil): promote that replica,",
  "    or refuse saying why it cannot be promoted now.",
  "FORGET-SENTINEL <master-name> <runid>",
  "    Forget one Sentinel of a master (Vigil). It comes back if it sends hellos again.",
  "WHY <master-name>",
  "    Explain why the master is down or its failover is not progressing (Vigil).",
];

export const SENTINEL_HELP_LINES: readonly string[] = [
  "SENTINEL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  ...LINES,
  ...VIGIL_HELP_LINES,
  "HELP",
  "    Prints this help.",
];

export function sentinelHelpReply(): Reply {
  return R.array(SENTINEL_HELP_LINES.map((line) => R.simple(line)));
}
