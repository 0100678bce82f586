/**
 * Reply → RESP as one JS string, for replies made only of text (almost all of them). Building a
 * string and converting it once (`Buffer.from(text, "utf8")`) costs one native call, where the
 * two-pass Buffer encoder makes two or three per field: for SENTINEL MASTER's forty fields that
 * was most of the command's time. Replies holding bytes (binary bulks, raw replies) return
 * undefined and take the Buffer encoder, which produces the same bytes for the rest.
 */
import type { Reply } from "./reply.js";

/** Strings longer than this are measured natively; shorter ones by a scan for ASCII. */
const SCAN_LIMIT = 256;

/** UTF-8 byte length, with Buffer.byteLength's handling of anything non-ASCII. */
export function utf8Length(text: string): number {
  const n = text.length;
  if (n > SCAN_LIMIT) return Buffer.byteLength(text, "utf8");
  for (let i = 0; i < n; i++) {
    if (text.charCodeAt(i) >= 0x80) return Buffer.byteLength(text, "utf8");
  }
  return n;
}

export function sanitizeLine(text: string): string {
  return text.includes("\r") || text.includes("\n") ? text.replace(/[\r\n]/g, " ") : text;
}

export function integerText(value: number | bigint): string {
  return typeof value === "bigint" ? value.toString() : String(Math.trunc(value));
}

function bulkText(value: string, prefix = "$"): string {
  return `${prefix}${String(utf8Length(value))}\r\n${value}\r\n`;
}

/** The RESP text of `reply`, or undefined when it holds bytes rather than text. */
export function replyText(
  reply: Reply,
  protocol: 2 | 3,
  formatDouble: (value: number) => string,
): string | undefined {
  switch (reply.type) {
    case "simple":
      return `+${sanitizeLine(reply.value)}\r\n`;
    case "error":
      return `-${sanitizeLine(reply.value)}\r\n`;
    case "integer":
      return `:${integerText(reply.value)}\r\n`;
    case "bulk":
      return typeof reply.value === "string" ? bulkText(reply.value) : undefined;
    case "null":
      return protocol === 3 ? "_\r\n" : "$-1\r\n";
    case "null-array":
      return protocol === 3 ? "_\r\n" : "*-1\r\n";
    case "double": {
      const text = formatDouble(reply.value);
      return protocol === 3 ? `,${text}\r\n` : bulkText(text);
    }
    case "verbatim":
      if (protocol === 2) return bulkText(reply.value);
      return bulkText(`${reply.format.padEnd(3, " ").slice(0, 3)}:${reply.value}`, "=");
    case "array":
    case "set":
    case "push": {
      const prefix =
        protocol === 2 || reply.type === "array" ? "*" : reply.type === "set" ? "~" : ">";
      let out = `${prefix}${String(reply.items.length)}\r\n`;
      for (const item of reply.items) {
        const text = replyText(item, protocol, formatDouble);
        if (text === undefined) return undefined;
        out += text;
      }
      return out;
    }
    case "map": {
      const count = protocol === 3 ? reply.entries.length : reply.entries.length * 2;
      let out = `${protocol === 3 ? "%" : "*"}${String(count)}\r\n`;
      for (const [k, v] of reply.entries) {
        const key = replyText(k, protocol, formatDouble);
        const value = replyText(v, protocol, formatDouble);
        if (key === undefined || value === undefined) return undefined;
        out += key + value;
      }
      return out;
    }
    case "raw":
      return undefined;
  }
}
