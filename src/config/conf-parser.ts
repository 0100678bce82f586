/**
 * Redis-format config text → lines and directives. A pure port of the rules Redis applies when
 * reading redis.conf / sentinel.conf (config.c: loadServerConfigFromString, sds.c: sdssplitargs):
 * the text is split on "\n", each line trimmed of " \t\r\n", `#` lines and blank lines skipped,
 * the rest split into arguments with Redis's quoting rules, the directive name lowercased.
 */
import { ConfigError } from "../errors.js";

/** One non-comment line of the file: `name` lowercased, `args` after the name. */
export interface Directive {
  /** Where it came from: the config file path, or "(command line)" for overrides. */
  readonly file: string;
  /** 1-based line number in `file`. */
  readonly line: number;
  readonly name: string;
  readonly args: readonly string[];
  /** The line as written (trimmed), for Redis's `>>> '<line>'` report. */
  readonly text: string;
  /**
   * Command-line options only: the line Redis reports, counted through the file's text, to
   * which it appends the options after a newline.
   */
  readonly redisLine?: number;
}

export type ConfLineKind = "blank" | "comment" | "directive" | "unbalanced";

/** Every line of a file, as the rewriter needs them. */
export interface ConfLine {
  /** 0-based index in the file. */
  readonly index: number;
  /** Trimmed of " \t\r\n" at both ends (Redis writes lines back trimmed). */
  readonly text: string;
  readonly kind: ConfLineKind;
  /** Arguments including the (not lowercased) name; empty unless kind is "directive". */
  readonly argv: readonly string[];
}

const UNBALANCED = "Unbalanced quotes in configuration line";

/** C isspace(): space, \t, \n, \v, \f, \r. */
function isSpace(c: string | undefined): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\v" || c === "\f" || c === "\r";
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

const ESCAPES: Readonly<Record<string, string>> = { n: "\n", r: "\r", t: "\t", b: "\b", a: "\x07" };

interface Token {
  readonly value: string;
  readonly next: number;
}

/** Where the run of characters from `p` that an unquoted token takes as they are ends. */
function plainRunEnd(line: string, p: number): number {
  let q = p;
  for (; q < line.length; q++) {
    const code = line.charCodeAt(q);
    // space, \n, \r, \t end the token; a quote opens a quoted part.
    if (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) break;
    if (code === 0x22 || code === 0x27) break;
  }
  return q;
}

/** Reads one token starting at `p` (not a blank). null = unbalanced quotes. */
function readToken(line: string, start: number): Token | null {
  let p = start;
  let out = "";
  let inq = false;
  let insq = false;
  for (;;) {
    const c = line[p];
    if (inq) {
      if (c === "\\" && line[p + 1] === "x" && isHex(line[p + 2]) && isHex(line[p + 3])) {
        out += String.fromCharCode(parseInt(line.slice(p + 2, p + 4), 16));
        p += 4;
        continue;
      }
      if (c === "\\" && p + 1 < line.length) {
        const e = line[p + 1]!;
        out += ESCAPES[e] ?? e;
        p += 2;
        continue;
      }
      if (c === '"') {
        // sds.c: a closing quote must be followed by a space or nothing at all.
        if (p + 1 < line.length && !isSpace(line[p + 1])) return null;
        return { value: out, next: p + 1 };
      }
      if (c === undefined) return null;
      out += c;
      p++;
    } else if (insq) {
      if (c === "\\" && line[p + 1] === "'") {
        out += "'";
        p += 2;
        continue;
      }
      if (c === "'") {
        if (p + 1 < line.length && !isSpace(line[p + 1])) return null;
        return { value: out, next: p + 1 };
      }
      if (c === undefined) return null;
      out += c;
      p++;
    } else {
      // A run of plain characters at once: a config file is mostly bare words.
      const end = plainRunEnd(line, p);
      if (end > p) {
        out += line.slice(p, end);
        p = end;
        continue;
      }
      if (c === undefined || c === " " || c === "\n" || c === "\r" || c === "\t") {
        return { value: out, next: p };
      }
      if (c === '"') inq = true;
      else if (c === "'") insq = true;
      p++;
    }
  }
}

/** sds.c: sdssplitargs. Returns null on unbalanced quotes. */
export function splitArgs(line: string): string[] | null {
  const argv: string[] = [];
  let p = 0;
  for (;;) {
    while (p < line.length && isSpace(line[p])) p++;
    if (p >= line.length) return argv;
    const token = readToken(line, p);
    if (token === null) return null;
    argv.push(token.value);
    p = token.next;
  }
}

/** sdssplitlen(text, "\n"): "" gives no lines, a trailing "\n" gives a last empty line. */
export function splitLines(text: string): string[] {
  return text === "" ? [] : text.split("\n");
}

/** sdstrim(line, " \t\r\n"). */
export function trimConfLine(line: string): string {
  return line.replace(/^[ \t\r\n]+/, "").replace(/[ \t\r\n]+$/, "");
}

/** Every line of the text, classified (the rewriter keeps comments and blank lines). */
export function parseConfLines(text: string): ConfLine[] {
  return splitLines(text).map((raw, index): ConfLine => {
    const trimmed = trimConfLine(raw);
    if (trimmed === "") return { index, text: trimmed, kind: "blank", argv: [] };
    if (trimmed.startsWith("#")) return { index, text: trimmed, kind: "comment", argv: [] };
    const argv = splitArgs(trimmed);
    if (argv === null) return { index, text: trimmed, kind: "unbalanced", argv: [] };
    if (argv.length === 0) return { index, text: trimmed, kind: "blank", argv: [] };
    return { index, text: trimmed, kind: "directive", argv };
  });
}

/**
 * The directives of a config text, in file order. Throws ConfigError on unbalanced quotes
 * (Redis: "Unbalanced quotes in configuration line").
 */
export function parseConf(text: string, file: string, redisLineOffset = 0): Directive[] {
  const out: Directive[] = [];
  for (const l of parseConfLines(text)) {
    const at = redisLineOffset === 0 ? {} : { redisLine: redisLineOffset + l.index + 1 };
    if (l.kind === "unbalanced") {
      const name = (l.text.split(/[ \t]/, 1)[0] ?? "").toLowerCase();
      throw new ConfigError({
        file,
        line: l.index + 1,
        directive: name,
        reason: UNBALANCED,
        text: l.text,
        ...at,
      });
    }
    if (l.kind !== "directive") continue;
    const [name, ...args] = l.argv;
    out.push({ file, line: l.index + 1, name: name!.toLowerCase(), args, text: l.text, ...at });
  }
  return out;
}

/** sds.c: sdscatrepr — always quoted, escapes \\ \" \n \r \t \a \b and other control chars. */
export function reprArg(s: string): string {
  let out = '"';
  for (const c of s) {
    const code = c.codePointAt(0)!;
    if (c === "\\" || c === '"') out += `\\${c}`;
    else if (c === "\n") out += "\\n";
    else if (c === "\r") out += "\\r";
    else if (c === "\t") out += "\\t";
    else if (c === "\x07") out += "\\a";
    else if (c === "\b") out += "\\b";
    // Non-ASCII stays as is (UTF-8 on disk); Redis would escape each byte, both parse back equal.
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += c;
  }
  return `${out}"`;
}

const BARE_ASCII = /^[!#-&(-[\]-~]+$/;

/** The argument as written in a config line: bare when that parses back identically. */
export function quoteArg(s: string): string {
  // Printable ASCII without quotes or backslash: the usual case, in one test.
  if (BARE_ASCII.test(s)) return s;
  let bare = s !== "";
  for (let i = 0; i < s.length && bare; i++) {
    const code = s.charCodeAt(i);
    bare = code > 0x20 && code !== 0x7f && !`"'\\`.includes(s[i]!) && !/\s/.test(s[i]!);
  }
  if (bare) return s;
  return reprArg(s);
}

/** A config line from arguments, each quoted only when needed. */
export function formatLine(argv: readonly string[]): string {
  return argv.map(quoteArg).join(" ");
}
