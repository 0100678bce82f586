// One command on a fresh loopback connection, bounded by a timeout, for readiness probes: the
// reply is read as a simple string, error, integer or bulk string (INFO, PING, ROLE's absence of
// arrays is fine for that). Everything richer goes through ioredis.
import { TopologyError } from "../errors.js";
import net from "node:net";

/** A `-ERR …` reply. */
export class ReplyError extends Error {
  override readonly name = "ReplyError";
}

function encode(args: readonly string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;
}

/** The reply when `buf` holds all of it, else null. */
function parse(buf: Buffer): string | ReplyError | null {
  const eol = buf.indexOf("\r\n");
  if (eol < 0) return null;
  const line = buf.toString("utf8", 1, eol);
  switch (String.fromCharCode(buf[0] ?? 0)) {
    case "+":
    case ":":
      return line;
    case "-":
      return new ReplyError(line);
    case "$": {
      const len = Number(line);
      if (len < 0) return "";
      if (buf.length < eol + 2 + len + 2) return null;
      return buf.toString("utf8", eol + 2, eol + 2 + len);
    }
    default:
      return new ReplyError(`unexpected reply ${JSON.stringify(line.slice(0, 40))}`);
  }
}

/** Sends `args` to 127.0.0.1:`port`; resolves with the reply or rejects (timeout, refused). */
export function oneCommand(
  port: number,
  args: readonly string[],
  timeoutMs = 1_000,
): Promise<string | ReplyError> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ host: "127.0.0.1", port });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new TopologyError(`${args[0] ?? ""} to :${port} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once("connect", () => {
      socket.write(encode(args));
    });
    socket.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const reply = parse(buf);
      if (reply === null) return;
      clearTimeout(timer);
      socket.destroy();
      resolve(reply);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    });
  });
}

/** INFO text → field → value. */
export function infoFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0 && !line.startsWith("#")) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` every `intervalMs` until it returns true; throws `what` after `timeoutMs`. */
export async function until(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    try {
      if (await probe()) return;
    } catch (error: unknown) {
      last = error instanceof Error ? `: ${error.message}` : "";
    }
    if (Date.now() >= deadline)
      throw new TopologyError(`timed out after ${timeoutMs} ms waiting for ${what}${last}`);
    await sleep(intervalMs);
  }
}
