// Normalisation of what parity-scenario.ts captured, so that a redis-sentinel run and a Vigil run
// of the same scenario can be compared: addresses, run ids and epochs become role placeholders
// (OLD / NEW / OTHER for the redis-servers, LEADER / SELF / PEER for the sentinels, <epoch>),
// timing-dependent events are set aside (each with the reason below), and config files, INFO and
// SENTINEL replies are reduced to what does not depend on timing.
import type { RecordedEvent } from "../harness/sentinel-process.js";
import type { Fields } from "./cluster.js";
import type { ScenarioCapture, SentinelSnapshot } from "./parity-scenario.js";

const RUN_ID = /^[0-9a-f]{40}$/;

/**
 * Events left out of the per-role sequences, on every sentinel. Their payload format is still
 * checked against the catalogue (FORMATS).
 * - ±role-change: INFO-driven verbosity. Whether a sentinel sees the promoted replica report
 *   "master" before it switches, or the restarted old master report "master" before it is
 *   converted, depends on when its INFO refreshes fall (every 10 s for a healthy instance).
 * - +convert-to-slave: published by whichever sentinel's INFO refresh first sees the old master
 *   reporting role master for 8 s; it is checked across all sentinels instead.
 * - -odown on the leader: it asks the peers again while reconfiguring the replicas; a peer that
 *   already switched answers "not down" for the old address, so the leader's ODOWN may end just
 *   before +failover-end (redis-sentinel, 1 s ask period, usually; Vigil, faster, rarely).
 */
const IGNORED_EVERYWHERE = new Set(["+role-change", "-role-change", "+convert-to-slave", "-odown"]);

/**
 * Events left out on observers only.
 * - +odown: an observer reaches ODOWN only if it asks its peers before the switch arrives.
 * - +try-failover: redis-sentinel stands as a candidate at once on ODOWN, Vigil after a random
 *   candidate delay (Timing.candidateDelay, against split votes), so only a redis-sentinel
 *   observer usually stands (and votes for itself, see voteToken).
 */
const IGNORED_ON_OBSERVERS = new Set(["+odown", "+try-failover"]);

/**
 * Single events left out, by their role-normalised text.
 * - ±sdown of the new master, anywhere: after a switch redis-sentinel restarts the master
 *   record's ping clock (sentinelResetMaster) but keeps its link's reconnect throttle, so its
 *   first PING may go out only ~1 s later and, at down-after 1000 ms, the new master is SDOWN for
 *   a few ms. Vigil clears the throttle at a switch (switch-master.ts), so it rarely shows this.
 */
const IGNORED_TEXTS = new Set([
  "+sdown master mymaster 127.0.0.1 NEW",
  "-sdown master mymaster 127.0.0.1 NEW",
]);

/**
 * - +sdown of the old master on an observer: an observer whose own down-after has not elapsed
 *   when the leader's new configuration arrives never sees the old master SDOWN (the switch
 *   replaces the record). With Vigil's fast failover this is common.
 */
const IGNORED_TEXTS_ON_OBSERVERS = new Set(["+sdown master mymaster 127.0.0.1 OLD"]);

/** Events of one election round: a round other than the one that won is a timing artefact. */
const ELECTION = new Set([
  "+new-epoch",
  "+try-failover",
  "+vote-for-leader",
  "-failover-abort-not-elected",
]);

const M = "master mymaster <ip> <n>";
const S = "slave <ip>:<n> <ip> <n> @ mymaster <ip> <n>";
const P = "sentinel <runid> <ip> <n> @ mymaster <ip> <n>";

/** docs/PROTOCOL.md §8.2: the payload format of every event this scenario may publish. */
export const FORMATS: Readonly<Record<string, readonly string[]>> = {
  "+sdown": [M, S, P],
  "-sdown": [M, S, P],
  "+odown": [`${M} #quorum <n>/<n>`],
  "-odown": [M],
  "+new-epoch": ["<n>"],
  "+vote-for-leader": ["<runid> <n>"],
  "+try-failover": [M],
  "+elected-leader": [M],
  "+failover-state-select-slave": [M],
  "+failover-state-reconf-slaves": [M],
  "+failover-end": [M],
  "-failover-abort-not-elected": [M],
  "+selected-slave": [S],
  "+failover-state-send-slaveof-noone": [S],
  "+failover-state-wait-promotion": [S],
  "+promoted-slave": [S],
  "+slave-reconf-sent": [S],
  "+slave-reconf-inprog": [S],
  "+slave-reconf-done": [S],
  "+slave": [S],
  "+convert-to-slave": [S],
  "+role-change": [`${S} new reported role is master`, `${S} new reported role is slave`],
  "-role-change": [`${S} new reported role is master`, `${S} new reported role is slave`],
  "+switch-master": ["mymaster <ip> <n> <ip> <n>"],
  "+config-update-from": [P],
};

/** Payload with run ids, addresses and numbers replaced by <runid>, <ip>, <n>. */
export function genericFormat(message: string): string {
  return message
    .replace(/#quorum \d+\/\d+/, "#quorum <n>/<n>")
    .split(" ")
    .map((token) => {
      if (RUN_ID.test(token)) return "<runid>";
      if (/^127\.0\.0\.1:\d+$/.test(token)) return "<ip>:<n>";
      if (token === "127.0.0.1") return "<ip>";
      return /^\d+$/.test(token) ? "<n>" : token;
    })
    .join(" ");
}

/** Every recorded event whose payload does not have its channel's catalogued format. */
export function formatViolations(events: readonly RecordedEvent[]): string[] {
  const bad: string[] = [];
  for (const e of events) {
    const formats = FORMATS[e.channel];
    const format = genericFormat(e.message);
    if (formats === undefined) bad.push(`unexpected event ${e.channel} ${e.message}`);
    else if (!formats.includes(format)) bad.push(`${e.channel} "${e.message}" (${format})`);
  }
  return bad;
}

/**
 * The set of generic payload formats seen per channel, leaving out the events of IGNORED_TEXTS
 * (the new master's ±sdown after a switch): a redis-sentinel run that shows that quirk would
 * otherwise add a `-sdown master …` format that a Vigil run does not have.
 */
export function formatsByChannel(cap: ScenarioCapture): Map<string, string[]> {
  const byChannel = new Map<string, Set<string>>();
  for (const e of cap.events) {
    if (IGNORED_TEXTS.has(`${e.channel} ${roleText(cap, e.sentinelPort, e.message)}`)) continue;
    const set = byChannel.get(e.channel) ?? new Set<string>();
    set.add(genericFormat(e.message));
    byChannel.set(e.channel, set);
  }
  return new Map([...byChannel].map(([k, v]) => [k, [...v].sort()]));
}

/** The epoch of the failover that won (the config epoch every sentinel converged on). */
export function failoverEpoch(cap: ScenarioCapture): string {
  const epochs = new Set(cap.down.map((s) => s.master.get("config-epoch") ?? "?"));
  if (epochs.size !== 1) throw new Error(`config epochs differ: ${[...epochs].join(" ")}`);
  return [...epochs][0] ?? "?";
}

/** Role placeholder of a port, as seen from the sentinel on `self`. */
function portRole(cap: ScenarioCapture, self: number, port: string): string | undefined {
  const p = Number(port);
  if (p === cap.oldPort) return "OLD";
  if (p === cap.newPort) return "NEW";
  if (p === cap.otherPort) return "OTHER";
  if (p === self) return "SELF";
  if (p === cap.leaderPort) return "LEADER";
  if (cap.sentinelPorts.includes(p)) return "PEER";
  return undefined;
}

function idRole(cap: ScenarioCapture, self: number, id: string): string {
  if (id === cap.ids.get(self)) return "SELF";
  if (id === cap.ids.get(cap.leaderPort)) return "LEADER";
  return [...cap.ids.values()].includes(id) ? "PEER" : "<unknown-runid>";
}

/** Payload (or any text) with run ids and ports replaced by role placeholders. */
export function roleText(cap: ScenarioCapture, self: number, text: string): string {
  return text
    .split(" ")
    .map((token) => {
      if (RUN_ID.test(token)) return idRole(cap, self, token);
      const hostPort = /^127\.0\.0\.1:(\d+)$/.exec(token);
      if (hostPort !== null) return `127.0.0.1:${portRole(cap, self, hostPort[1] ?? "") ?? token}`;
      if (/^\d{4,5}$/.test(token)) return portRole(cap, self, token) ?? token;
      return token;
    })
    .join(" ");
}

/** One event as a comparable token: channel + role-normalised payload. */
function eventToken(cap: ScenarioCapture, self: number, e: RecordedEvent, epoch: string): string {
  let text = roleText(cap, self, e.message);
  if (e.channel === "+new-epoch" && e.message === epoch) text = "<epoch>";
  if (e.channel === "+vote-for-leader") {
    const [who, voteEpoch] = text.split(" ");
    text = `${who ?? "?"} ${voteEpoch === epoch ? "<epoch>" : (voteEpoch ?? "?")}`;
  }
  if (e.channel === "+odown") text = text.replace(/#quorum \d+\//, "#quorum <n>/");
  // An observer may learn the new configuration from the leader's hello or from the other
  // observer's (both announce it once switched): which hello arrives first is timing.
  if (e.channel === "+config-update-from")
    text = text.replace(/^sentinel \S+ 127\.0\.0\.1 \S+/, "sentinel <sentinel> 127.0.0.1 <port>");
  return `${e.channel} ${text}`;
}

/** The epoch an election event belongs to (the vote carries it; the others follow +new-epoch). */
function roundOf(e: RecordedEvent, current: string): string {
  return e.channel === "+vote-for-leader" ? (e.message.split(" ")[1] ?? "?") : current;
}

/** Sorts every run of consecutive equal-channel tokens in `channel` (dict order in Redis). */
function sortRuns(tokens: string[], channel: string): string[] {
  const out: string[] = [];
  let run: string[] = [];
  const flush = (): void => {
    out.push(...run.sort());
    run = [];
  };
  for (const t of tokens) {
    if (t.startsWith(`${channel} `)) run.push(t);
    else {
      flush();
      out.push(t);
    }
  }
  flush();
  return out;
}

/**
 * The normalised event sequence of one sentinel: failed election rounds and the timing-dependent
 * events above removed, consecutive repeats collapsed, +slave bursts sorted. On an observer, the
 * part before +config-update-from (+new-epoch, +vote-for-leader) is sorted.
 */
export function roleSequence(cap: ScenarioCapture, self: number): string[] {
  const epoch = failoverEpoch(cap);
  const isLeader = self === cap.leaderPort;
  let current = "0";
  const tokens: string[] = [];
  for (const e of cap.events) {
    if (e.sentinelPort !== self) continue;
    if (e.channel === "+new-epoch") current = e.message;
    if (ELECTION.has(e.channel) && roundOf(e, current) !== epoch) continue;
    if (IGNORED_EVERYWHERE.has(e.channel)) continue;
    if (!isLeader && IGNORED_ON_OBSERVERS.has(e.channel)) continue;
    let token = eventToken(cap, self, e, epoch);
    // An observer votes for the first sentinel that asks in the epoch: itself when it stood as a
    // candidate (see IGNORED_ON_OBSERVERS), else the leader.
    if (!isLeader && e.channel === "+vote-for-leader") {
      token = token.replace(
        /^\+vote-for-leader (SELF|LEADER) /,
        "+vote-for-leader <first asking> ",
      );
    }
    if (IGNORED_TEXTS.has(token)) continue;
    if (!isLeader && IGNORED_TEXTS_ON_OBSERVERS.has(token)) continue;
    if (tokens.at(-1) !== token) tokens.push(token);
  }
  const sorted = sortRuns(tokens, "+slave");
  if (isLeader) return sorted;
  const cut = sorted.findIndex((t) => t.startsWith("+config-update-from "));
  if (cut < 0) return sorted;
  return [...sorted.slice(0, cut).sort(), ...sorted.slice(cut)];
}

/** The `sentinel …` lines of a config file, role-normalised, known-* entries sorted per run. */
export function sentinelLines(
  cap: ScenarioCapture,
  snap: SentinelSnapshot,
  epoch: string,
): string[] {
  const lines = snap.config
    .split("\n")
    .filter((l) => l.startsWith("sentinel "))
    .map((l) => {
      const text = roleText(
        cap,
        snap.port,
        l.replace(/^sentinel myid \S+$/, "sentinel myid <myid>"),
      );
      return text.replace(
        /^(sentinel (?:config-epoch mymaster|leader-epoch mymaster|current-epoch)) (\d+)$/,
        (all, head: string, n: string) => (n === epoch ? `${head} <epoch>` : all),
      );
    });
  return sortRuns(sortRuns(lines, "sentinel known-replica"), "sentinel known-sentinel");
}

/** INFO sentinel, line by line (CRLF split), addresses role-normalised. */
export function infoLines(cap: ScenarioCapture, snap: SentinelSnapshot): string[] {
  return snap.info
    .split("\r\n")
    .filter((l) => l !== "")
    .map((l) =>
      l.replace(
        /address=127\.0\.0\.1:(\d+)/,
        (_all, port: string) => `address=127.0.0.1:${portRole(cap, snap.port, port) ?? port}`,
      ),
    );
}

/** Fields whose values do not depend on timing, compared after role normalisation. */
const STABLE_FIELDS = [
  "name",
  "ip",
  "port",
  "flags",
  "link-refcount",
  "down-after-milliseconds",
  "role-reported",
  "config-epoch",
  "num-slaves",
  "num-other-sentinels",
  "quorum",
  "failover-timeout",
  "parallel-syncs",
  "master-link-down-time",
  "master-link-status",
  "master-host",
  "master-port",
  "slave-priority",
  "replica-announced",
];

/**
 * One SENTINEL MASTER / REPLICAS / SENTINELS entry: its field names in order, the stable values
 * role-normalised, and for replicas and peers whether runid / info-refresh are known. A peer's
 * master_down flag is dropped: it records the peer's last is-master-down-by-addr answer about the
 * old master and expires 5 s later (SENTINEL_ASK_PERIOD × 5), so it is set or not by timing.
 */
export function entryShape(cap: ScenarioCapture, self: number, fields: Fields): string[] {
  const out = [`fields: ${[...fields.keys()].join(" ")}`];
  for (const key of STABLE_FIELDS) {
    const value = fields.get(key);
    if (value === undefined) continue;
    let text = roleText(cap, self, value);
    if (key === "flags") text = value.replace(",master_down", "");
    if (key === "config-epoch" && value === failoverEpoch(cap)) text = "<epoch>";
    out.push(`${key}=${text}`);
  }
  // The master record's run id and INFO age after a switch depend on when its 10 s INFO period
  // falls; a replica's or peer's run id is known (or not, while down) whatever the timing.
  if (!fields.has("config-epoch")) {
    out.push(`runid ${fields.get("runid") === "" ? "empty" : "set"}`);
    const refresh = fields.get("info-refresh");
    if (refresh !== undefined) out.push(`info-refresh ${refresh === "0" ? "0" : ">0"}`);
  }
  return out;
}

/** The entries of a list reply, each shaped, sorted by their normalised port. */
export function listShape(
  cap: ScenarioCapture,
  self: number,
  entries: readonly Fields[],
): string[][] {
  return entries
    .map((f) => entryShape(cap, self, f))
    .sort((a, b) =>
      (a.find((x) => x.startsWith("port=")) ?? "").localeCompare(
        b.find((x) => x.startsWith("port=")) ?? "",
      ),
    );
}
