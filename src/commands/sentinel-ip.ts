/**
 * Address validation for SENTINEL MONITOR without DNS (the core is pure). Redis resolves the host
 * with getaddrinfo(AI_NUMERICHOST) unless resolve-hostnames is on (anet.c: anetResolve) and keeps
 * the text inet_ntop gives back, so `127.1` is monitored as `127.0.0.1` and `0:0::1` as `::1`.
 */

/** inet_aton's number syntax: 0x… hex, 0… octal, else decimal. */
function atonPart(text: string): number | null {
  let digits = text;
  let base = 10;
  if (/^0[xX]/.test(text)) {
    digits = text.slice(2);
    base = 16;
    if (!/^[0-9a-fA-F]+$/.test(digits)) return null;
  } else if (text.startsWith("0") && text.length > 1) {
    digits = text.slice(1);
    base = 8;
    if (!/^[0-7]+$/.test(digits)) return null;
  } else if (!/^[0-9]+$/.test(digits)) {
    return null;
  }
  const value = parseInt(digits, base);
  return value > 0xffff_ffff ? null : value;
}

/** IPv4 in inet_aton's forms (a, a.b, a.b.c, a.b.c.d), as dotted decimal; null if invalid. */
export function canonicalIpv4(text: string): string | null {
  const parts = text.split(".");
  if (parts.length > 4) return null;
  const values: number[] = [];
  for (const part of parts) {
    const value = atonPart(part);
    if (value === null) return null;
    values.push(value);
  }
  const last = values.pop() ?? 0;
  if (values.some((v) => v > 255)) return null;
  const lastBits = 8 * (4 - values.length);
  if (lastBits < 32 && last >= 2 ** lastBits) return null;
  const bytes = [...values];
  for (let shift = lastBits - 8; shift >= 0; shift -= 8)
    bytes.push(Math.floor(last / 2 ** shift) % 256);
  return bytes.join(".");
}

/** Strict dotted quad (inet_pton AF_INET), as inside an IPv6 literal. */
function strictIpv4Words(text: string): [number, number] | null {
  const parts = text.split(".");
  if (
    parts.length !== 4 ||
    parts.some((p) => !/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255)
  ) {
    return null;
  }
  const [a, b, c, d] = parts.map(Number) as [number, number, number, number];
  return [a * 256 + b, c * 256 + d];
}

function hexWords(text: string): number[] | null {
  if (text === "") return [];
  const words: number[] = [];
  const groups = text.split(":");
  for (const [i, group] of groups.entries()) {
    if (i === groups.length - 1 && group.includes(".")) {
      const v4 = strictIpv4Words(group);
      if (v4 === null) return null;
      words.push(...v4);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(group)) {
      words.push(parseInt(group, 16));
    } else {
      return null;
    }
  }
  return words;
}

function ipv6Words(text: string): number[] | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = hexWords(halves[0] ?? "");
  if (head === null) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const tail = hexWords(halves[1] ?? "");
  if (tail === null || head.length + tail.length > 7) return null;
  return [...head, ...Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** The longest run (≥ 2) of zero words, first on ties: what inet_ntop replaces with `::`. */
function longestZeroRun(words: readonly number[]): { base: number; len: number } {
  let best = { base: -1, len: 0 };
  let run = { base: -1, len: 0 };
  for (const [i, word] of words.entries()) {
    if (word === 0) {
      run = run.base === -1 ? { base: i, len: 1 } : { base: run.base, len: run.len + 1 };
      if (run.len > best.len) best = run;
    } else {
      run = { base: -1, len: 0 };
    }
  }
  return best.len >= 2 ? best : { base: -1, len: 0 };
}

/** IPv6 literal in inet_ntop's canonical form; null if invalid. */
export function canonicalIpv6(text: string): string | null {
  const words = ipv6Words(text);
  if (words === null) return null;
  const best = longestZeroRun(words);
  let out = "";
  for (let i = 0; i < 8; i++) {
    if (i === best.base) {
      out += "::";
      i += best.len - 1;
      continue;
    }
    const embedsV4 =
      i === 6 && best.base === 0 && (best.len === 6 || (best.len === 5 && words[5] === 0xffff));
    if (embedsV4) {
      const [hi, lo] = [words[6] ?? 0, words[7] ?? 0];
      const sep = out.endsWith(":") ? "" : ":";
      return `${out}${sep}${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
    }
    if (out !== "" && !out.endsWith(":")) out += ":";
    out += (words[i] ?? 0).toString(16);
  }
  return out;
}

const HOSTNAME = /^[A-Za-z0-9_]([A-Za-z0-9_.-]{0,252})$/;

/**
 * The host SENTINEL MONITOR would record, or null for "Invalid IP address or hostname specified".
 * With resolve-hostnames a syntactically plausible hostname is accepted as written; whether it
 * resolves is for the shell to find out.
 */
export function monitorHost(text: string, resolveHostnames: boolean): string | null {
  const ip = text.includes(":") ? canonicalIpv6(text) : canonicalIpv4(text);
  if (ip !== null) return ip;
  return resolveHostnames && HOSTNAME.test(text) ? text : null;
}
