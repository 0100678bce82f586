// A tiny RESP client for the harness: one persistent loopback connection, commands answered in
// order, every call bounded by a timeout. It exists so that readiness probes and polls speak the
// wire protocol directly (no client-side retries, reconnects or offline queues hiding a failure)
// and work the same against redis-server, redis-sentinel and Vigil. With `tls` options the
// connection is TLS (ready once the handshake is done).
import net from "node:net";
import tls from "node:tls";

/** Integers as numbers, as bigints when a number would round them (epochs beyond 2^53). */
export type RespValue = string | number | bigint | null | RespError | RespValue[];

export class RespError extends Error {
  override readonly name = "RespError";
}

interface Parsed {
  value: RespValue;
  end: number;
}

function lineEnd(buf: Buffer, from: number): number {
  const at = buf.indexOf("\r\n", from);
  return at;
}

/** Parses one reply starting at `from`; returns null when the buffer holds only part of it. */
export function parseReply(buf: Buffer, from: number): Parsed | null {
  if (from >= buf.length) return null;
  const eol = lineEnd(buf, from);
  if (eol < 0) return null;
  const type = String.fromCharCode(buf[from] ?? 0);
  const line = buf.toString("utf8", from + 1, eol);
  const next = eol + 2;
  switch (type) {
    case "+":
      return { value: line, end: next };
    case "-":
      return { value: new RespError(line), end: next };
    case ":": {
      const n = Number(line);
      return { value: Number.isSafeInteger(n) ? n : BigInt(line), end: next };
    }
    case ",":
      return { value: Number(line), end: next };
    case "_":
      return { value: null, end: next };
    case "#":
      return { value: line === "t" ? 1 : 0, end: next };
    case "$":
    case "=": {
      const len = Number(line);
      if (len < 0) return { value: null, end: next };
      if (buf.length < next + len + 2) return null;
      return { value: buf.toString("utf8", next, next + len), end: next + len + 2 };
    }
    case "*":
    case "~":
    case ">":
    case "%": {
      const count = Number(line) * (type === "%" ? 2 : 1);
      if (count < 0) return { value: null, end: next };
      const items: RespValue[] = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, at);
        if (item === null) return null;
        items.push(item.value);
        at = item.end;
      }
      return { value: items, end: at };
    }
    default:
      throw new RespError(`unexpected RESP type byte ${JSON.stringify(type)}`);
  }
}

export function encodeCommand(args: readonly (string | number)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = Buffer.from(String(arg));
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

interface Pending {
  resolve: (value: RespValue) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class RespConnection {
  private readonly socket: net.Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private readonly pending: Pending[] = [];
  private closedError: Error | null = null;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on("data", (chunk: Buffer) => {
      this.onData(chunk);
    });
    socket.on("error", (error) => {
      this.fail(error);
    });
    socket.on("close", () => {
      this.fail(new Error("connection closed"));
    });
  }

  static connect(
    port: number,
    timeoutMs = 2_000,
    host = "127.0.0.1",
    tlsOptions?: tls.ConnectionOptions,
  ): Promise<RespConnection> {
    return new Promise((resolve, reject) => {
      const socket: net.Socket =
        tlsOptions === undefined
          ? net.createConnection({ host, port, noDelay: true })
          : tls.connect({ ...tlsOptions, host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to ${host}:${port} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once(tlsOptions === undefined ? "connect" : "secureConnect", () => {
        clearTimeout(timer);
        socket.removeAllListeners("error");
        resolve(new RespConnection(socket));
      });
      socket.once("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  /** Sends one command; resolves with its reply (a RespError value for `-ERR` replies). */
  call(args: readonly (string | number)[], timeoutMs = 2_000): Promise<RespValue> {
    if (this.closedError !== null) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new Error(`${String(args[0])} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.push({ resolve, reject, timer });
      this.socket.write(encodeCommand(args));
    });
  }

  close(): void {
    this.fail(new Error("connection closed by caller"));
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let at = 0;
    for (;;) {
      let parsed: Parsed | null;
      try {
        parsed = parseReply(this.buffer, at);
      } catch (error: unknown) {
        this.fail(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (parsed === null) break;
      at = parsed.end;
      const waiter = this.pending.shift();
      if (waiter !== undefined) {
        clearTimeout(waiter.timer);
        waiter.resolve(parsed.value);
      }
    }
    this.buffer = this.buffer.subarray(at);
  }

  private fail(error: Error): void {
    if (this.closedError === null) this.closedError = error;
    for (const waiter of this.pending.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.socket.destroy();
  }
}

/** Opens a connection (TLS with `tlsOptions`), sends one command, closes. */
export async function sendCommand(
  port: number,
  args: readonly (string | number)[],
  timeoutMs = 2_000,
  tlsOptions?: tls.ConnectionOptions,
): Promise<RespValue> {
  const connection = await RespConnection.connect(port, timeoutMs, "127.0.0.1", tlsOptions);
  try {
    return await connection.call(args, timeoutMs);
  } finally {
    connection.close();
  }
}

/** Parses INFO text into field → value (section headers and blank lines dropped). */
export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split("\r\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const colon = line.indexOf(":");
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

/** A flat [field, value, …] reply (RESP2 form of SENTINEL MASTER) as a map. */
export function pairsToMap(reply: RespValue): Map<string, string> {
  const fields = new Map<string, string>();
  if (!Array.isArray(reply)) return fields;
  for (let i = 0; i + 1 < reply.length; i += 2) {
    fields.set(String(reply[i]), String(reply[i + 1]));
  }
  return fields;
}
