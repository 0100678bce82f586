/**
 * The error catalogue (fastify's lib/errors pattern): one base class with a stable code, and a
 * subclass per kind of failure; ERROR_CLASSES lists every class Vigil throws (docs/ERRORS.md
 * describes each, test/unit/docs-sync.test.ts keeps the three in step). Expected operating
 * failures (link down, timeouts, -LOADING, failed fsync) are Inputs to the core, never
 * exceptions; these classes are for what a caller must handle: bad config (exit 1), a command
 * error (RESP error reply), a broken reply stream, a programmer bug. The core imports nothing
 * outside itself, so its AssertionError lives in core/basics/assert.ts and is listed here.
 */
import { AssertionError } from "./core/index.js";

export { AssertionError };

export const ERROR_CODES = {
  VIGIL_CONFIG: "VIGIL_CONFIG",
  VIGIL_CONFIG_NOT_WRITABLE: "VIGIL_CONFIG_NOT_WRITABLE",
  VIGIL_CONFIG_SAVE: "VIGIL_CONFIG_SAVE",
  VIGIL_CONFIG_LINE: "VIGIL_CONFIG_LINE",
  VIGIL_COMMAND: "VIGIL_COMMAND",
  VIGIL_REPLY_PROTOCOL: "VIGIL_REPLY_PROTOCOL",
  VIGIL_TLS: "VIGIL_TLS",
  VIGIL_LISTEN: "VIGIL_LISTEN",
  VIGIL_USAGE: "VIGIL_USAGE",
  VIGIL_TOPOLOGY: "VIGIL_TOPOLOGY",
  VIGIL_ASSERTION: AssertionError.CODE,
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
  /** The line Redis reports when it differs from `line` (a command-line option). */
  readonly redisLine: number;
  constructor(
    fields: {
      file: string;
      line: number;
      directive: string;
      reason: string;
      text?: string;
      afterLines?: boolean;
      redisLine?: number;
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
    this.redisLine = fields.redisLine ?? fields.line;
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

/**
 * One config line refused, thrown while a line is applied (config/sentinel-directives.ts,
 * tls-settings.ts, user-directive.ts); the loader turns it into a ConfigError for that line.
 */
export class LineError extends SentinelError {
  override readonly name = "LineError";
  readonly reason: string;
  constructor(reason: string) {
    super(ERROR_CODES.VIGIL_CONFIG_LINE, reason);
    this.reason = reason;
  }
}

/** An ACL rule refused with one of acl-selector.ts's ACL_RULE_ERRORS; the caller names the modifier. */
export class AclRuleError extends CommandError {
  readonly reason: string;
  constructor(reason: string) {
    super("ERR", reason);
    this.reason = reason;
  }
}

/** A rule ACL SETUSER refused: the rule as given and acl.c's reason text. */
export class AclModifierError extends CommandError {
  readonly op: string;
  readonly reason: string;
  constructor(op: string, reason: string) {
    super("ERR", `Error in ACL SETUSER modifier '${op}': ${reason}`);
    this.op = op;
    this.reason = reason;
  }
}

/** An unmatched `(` (acl.c: ACLMergeSelectorArguments), with Redis's error text. */
export class UnmatchedSelectorError extends CommandError {
  readonly op: string;
  constructor(op: string) {
    super("ERR", `Unmatched parenthesis in acl selector starting at '${op}'.`);
    this.op = op;
  }
}

/** A monitored instance's byte stream is not RESP2 (resp-reply-parser.ts): drop the link. */
export class ReplyProtocolError extends SentinelError {
  override readonly name = "ReplyProtocolError";
  constructor(message: string) {
    super(ERROR_CODES.VIGIL_REPLY_PROTOCOL, message);
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

/** No listening socket could be opened on any bind address (resp-server.ts): exit 1. */
export class ListenError extends SentinelError {
  override readonly name = "ListenError";
  constructor(message: string) {
    super(ERROR_CODES.VIGIL_LISTEN, message);
  }
}

/** A bad command line of a Vigil tool (the demo): the usage text and exit 2. */
export class UsageError extends SentinelError {
  override readonly name = "UsageError";
  constructor(message: string) {
    super(ERROR_CODES.VIGIL_USAGE, message);
  }
}

/** A local topology (src/topology: the demo, tests) could not start one of its processes. */
export class TopologyError extends SentinelError {
  override readonly name = "TopologyError";
  constructor(message: string) {
    super(ERROR_CODES.VIGIL_TOPOLOGY, message);
  }
}

/** Every class Vigil throws, as docs/ERRORS.md lists them. */
export const ERROR_CLASSES = [
  ConfigError,
  ConfigSaveError,
  LineError,
  CommandError,
  AclRuleError,
  AclModifierError,
  UnmatchedSelectorError,
  ReplyProtocolError,
  TlsConfigError,
  ListenError,
  UsageError,
  TopologyError,
  AssertionError,
] as const;
