// Edge values the round-trip generator draws from: int64 limits and the doubles around 2^53,
// empty strings, unicode, quotes, backslashes, `#`, spaces, newlines and other control
// characters. Every draw goes through one seeded PRNG, so a run replays from its seed.

export class Draw {
  private readonly next: () => number;
  constructor(next: () => number) {
    this.next = next;
  }

  /** 0 ≤ n < max. */
  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }

  hex(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += this.int(16).toString(16);
    return s;
  }
}

/** Integers as command arguments: small ones, limits, and text Redis refuses. */
const SMALL_INTS: readonly string[] = [
  "0",
  "1",
  "2",
  "3",
  "100",
  "30000",
  "-1",
  "65535",
  "65536",
  "2147483647",
  "2147483648",
];
const BAD_INTS: readonly string[] = ["01", "+1", " 1", "1 ", "1e3", "0x10", "1.5", ""];
/** Beyond 2^53: epochs and settings Redis keeps as int64 (or uint64) must stay exact. */
const INT64_INTS: readonly string[] = [
  "9007199254740991",
  "9007199254740992",
  "9007199254740993",
  "9223372036854775806",
  "9223372036854775807",
  "9223372036854775808",
  "-9223372036854775808",
  "-9223372036854775809",
  "18446744073709551615",
];

export const INTS: readonly string[] = [...SMALL_INTS, ...INT64_INTS, ...BAD_INTS];
/** The integers Redis parses (some out of range). */
export const VALID_INTS: readonly string[] = INTS.filter((i) => !BAD_INTS.includes(i));

/** Strings: what a password, a user name, an announce-ip or a run id could be. */
export const STRINGS: readonly string[] = [
  "",
  "x",
  "pass",
  "a b",
  " lead",
  "trail ",
  "#",
  "#x",
  "x#y",
  '"',
  "'",
  '"dq"',
  "'sq'",
  'a"b',
  "a'b",
  "\\",
  "a\\nb",
  "\\x41",
  "a\nb",
  "\r\n",
  "\t",
  "\x00",
  "\x01x",
  "x\x7f",
  "é",
  "日本語",
  "😀",
  "\u00a0",
  "\u2028",
  "$(id)",
  "--port",
  "yes",
  "no",
  "*",
  ",",
  "a,b",
  "x".repeat(300),
];

/** Master names: valid ones that still need quoting, and ones the loader cannot take. */
export const NAMES: readonly string[] = [
  "m",
  "mymaster",
  "M2",
  "#m",
  "m#",
  'q"m',
  "q'm",
  "b\\s",
  "é",
  "日本",
  "😀",
  "\u00a0nb",
  "",
  "a b",
  "a,b",
  "a\tb",
  "a\nb",
  "x\x7f",
];

export const IPS: readonly string[] = [
  "127.0.0.1",
  "10.0.0.1",
  "10.0.0.2",
  "10.0.0.3",
  "::1",
  "fe80::1",
  "0:0:0:0:0:0:0:1",
  "localhost",
  "example.com",
  "1.2.3",
  "",
  "256.1.1.1",
  "a b",
];

export const PORTS: readonly string[] = [
  "6379",
  "6380",
  "26379",
  "0",
  "1",
  "65535",
  "65536",
  "-1",
  "x",
];

/** Script paths, relative ones resolved against `dir` (see EXECUTABLE in harness.ts). */
export const SCRIPTS: readonly string[] = [
  "",
  "scripts/notify.sh",
  "../scripts/notify.sh",
  "/usr/local/bin/notify.sh",
  "my script.sh",
  "#hash.sh",
  'q"uote.sh',
  "日本.sh",
  "missing.sh",
  "scripts/../scripts/notify.sh",
];

export const SET_OPTIONS: readonly string[] = [
  "down-after-milliseconds",
  "failover-timeout",
  "parallel-syncs",
  "quorum",
  "master-reboot-down-after-period",
  "primary-reboot-down-after-period",
  "notification-script",
  "client-reconfig-script",
  "auth-pass",
  "auth-user",
  "rename-command",
  "fence-isolated-master",
  "Auth-Pass",
  "QUORUM",
  "bogus",
];

export const CONFIG_PARAMS: readonly string[] = [
  "announce-ip",
  "announce-port",
  "resolve-hostnames",
  "announce-hostnames",
  "sentinel-user",
  "sentinel-pass",
  "ANNOUNCE-IP",
  "loglevel",
  "bogus",
];

export const COMMANDS: readonly string[] = [
  "ping",
  "PING",
  "info",
  "config",
  "Config",
  "__proto__",
  "slaveof",
  "replicaof",
  "auth",
  "publish",
  "subscribe",
  "client",
  "x y",
  "a b c",
  "",
  "é",
];
