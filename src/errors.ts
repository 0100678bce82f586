/**
 * The error catalogue (fastify's lib/errors pattern): one base class with a stable code, and a
 * subclass per kind of failure. Expected operating failures (link down, timeouts, -LOADING,
 * failed fsync) are Inputs to the core, never exceptions; these classes are for what a caller
 * must handle: bad config (exit 1), a command error (RESP error reply), bad client bytes.
 */
export const ERROR_CODES = {
  VIGIL_CONFIG: "VIGIL_CONFIG",
  VIGIL_CONFIG_NOT_WRITABLE: "VIGIL_CONFIG_NOT_WRITABLE",
  VIGIL_CONFIG_SAVE: "VIGIL_CONFIG_SAVE",
  VIGIL_COMMAND: "VIGIL_COMMAND",
  VIGIL_PROTOCOL: "VIGIL_PROTOCOL",
  VIGIL_CLI: "VIGIL_CLI",
  VIGIL_TLS: "VIGIL_TLS",
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export class SentinelError extends Error {
  override readonly name: string = "SentinelError";
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** A config file that cannot be used. Names file, line (0 = whole file), directive and reason. */
export class ConfigError extends SentinelError {
  override readonly name = "ConfigError";
  readonly file: string;
  readonly line: number;
  readonly directive: string;
  readonly reason: string;
  /** The offending line as written, for Redis's `>>> '<line>'` report. */
  readonly text: string;
  /** A check Redis makes once every line is read: its FATAL header, but no line to show. */
  readonly afterLines: boolean;
  constructor(
    fields: {
      file: string;
      line: number;
      directive: string;
      reason: string;
      text?: string;
      afterLines?: boolean;
    },
    code: ErrorCode = ERROR_CODES.VIGIL_CONFIG,
  ) {
    const where = fields.line > 0 ? `${fields.file}:${fields.line}` : fields.file;
    const what = fields.directive === "" ? "" : ` '${fields.directive}'`;
    super(code, `${where}:${what} ${fields.reason}`);
    this.file = fields.file;
    this.line = fields.line;
    this.directive = fields.directive;
    this.reason = fields.reason;
    this.text = fields.text ?? "";
    this.afterLines = fields.afterLines ?? false;
  }
}

/** Writing the config file failed; surfaces as Redis's "Failed to save config file" error. */
export class ConfigSaveError extends SentinelError {
  override readonly name = "ConfigSaveError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(ERROR_CODES.VIGIL_CONFIG_SAVE, message, options);
  }
}

/** A command failed: becomes `-<prefix> <text>` on the wire, with Redis's exact wording. */
export class CommandError extends SentinelError {
  override readonly name = "CommandError";
  /** ERR, NOAUTH, WRONGPASS, NOPROTO, NOGOODSLAVE, INPROG, NOQUORUM, … */
  readonly prefix: string;
  constructor(prefix: string, text: string) {
    super(ERROR_CODES.VIGIL_COMMAND, `${prefix} ${text}`);
    this.prefix = prefix;
  }
}

/** Malformed client bytes: reply with the error, then close the connection. */
export class ProtocolError extends SentinelError {
  override readonly name = "ProtocolError";
  constructor(message: string) {
    super(ERROR_CODES.VIGIL_PROTOCOL, message);
  }
}

/** Bad command-line usage. */
export class CliError extends SentinelError {
  override readonly name = "CliError";
  constructor(message: string) {
    super(ERROR_CODES.VIGIL_CLI, message);
  }
}

/**
 * The TLS settings cannot be turned into a TLS context (a missing or bad certificate, key or CA,
 * unknown protocols or ciphers). The message is the line Redis logs for it (tls.c).
 */
export class TlsConfigError extends SentinelError {
  override readonly name = "TlsConfigError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(ERROR_CODES.VIGIL_TLS, message, options);
  }
}
