// Test support: turns raw RESP bytes (captured from redis-sentinel, or produced by our encoder)
// into a flat token list — one token per frame, e.g. "%20", "$name", "+OK", "-ERR …", ":0" — and
// masks the values that legitimately differ between two sentinels (times, ids, offsets).

export type Tokens = string[];

/** The buffer ends inside a reply: read more bytes and try again. */
export class IncompleteReply extends Error {
  override readonly name = "IncompleteReply";
}

function readLine(buf: Buffer, at: number): { line: string; next: number } {
  const eol = buf.indexOf("\r\n", at);
  if (eol < 0) throw new IncompleteReply(`incomplete RESP line at byte ${at}`);
  return { line: buf.toString("utf8", at, eol), next: eol + 2 };
}

/** Appends the tokens of the frame at `at`; returns the offset after it. */
function tokenize(buf: Buffer, at: number, out: Tokens): number {
  const { line, next } = readLine(buf, at);
  const type = line[0] ?? "";
  const rest = line.slice(1);
  if ("+-:_,#(".includes(type)) {
    out.push(line);
    return next;
  }
  if (type === "$" || type === "=") {
    const len = Number(rest);
    if (len < 0) {
      out.push(line);
      return next;
    }
    if (next + len + 2 > buf.length) throw new IncompleteReply(`incomplete bulk at byte ${at}`);
    out.push(type + buf.toString("utf8", next, next + len));
    return next + len + 2;
  }
  if ("*%>~".includes(type)) {
    out.push(line);
    const count = Number(rest) * (type === "%" ? 2 : 1);
    let cursor = next;
    for (let i = 0; i < count; i++) cursor = tokenize(buf, cursor, out);
    return cursor;
  }
  throw new Error(`unexpected RESP type ${JSON.stringify(type)}`);
}

/** The byte length of the first complete reply in `buf`, or null while it is incomplete. */
export function firstReplyLength(buf: Buffer): number | null {
  try {
    return tokenize(buf, 0, []);
  } catch (error: unknown) {
    if (error instanceof IncompleteReply) return null;
    throw error;
  }
}

/** Exactly one reply: throws on trailing bytes. */
export function respTokens(raw: Buffer | string): Tokens {
  const buf = typeof raw === "string" ? Buffer.from(raw, "utf8") : raw;
  const out: Tokens = [];
  const end = tokenize(buf, 0, out);
  if (end !== buf.length) throw new Error(`trailing bytes after the reply: ${buf.length - end}`);
  return out;
}

/** Field values that depend on timing or on process identity, not on the implementation. */
export const VOLATILE_FIELDS: ReadonlySet<string> = new Set([
  "runid",
  "link-pending-commands",
  "last-ping-sent",
  "last-ok-ping-reply",
  "last-ping-reply",
  "s-down-time",
  "o-down-time",
  "info-refresh",
  "role-reported-time",
  "master-link-down-time",
  "master-link-status",
  "slave-repl-offset",
  "last-hello-message",
  "voted-leader",
  "voted-leader-epoch",
]);

/** Replaces the bulk token after each volatile field name by "$<masked>". */
export function maskVolatile(
  tokens: Tokens,
  fields: ReadonlySet<string> = VOLATILE_FIELDS,
): Tokens {
  const out = [...tokens];
  for (let i = 0; i + 1 < out.length; i++) {
    const token = out[i] ?? "";
    if (token.startsWith("$") && fields.has(token.slice(1)) && (out[i + 1] ?? "").startsWith("$")) {
      out[i + 1] = "$<masked>";
      i++;
    }
  }
  return out;
}
