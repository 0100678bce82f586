/**
 * COMMAND and its subcommands (server.c: commandCommand & co) over command-specs.ts: the
 * 10-element info entries with RESP3 sets where 7.0.15 uses them, COUNT (15), LIST with
 * FILTERBY, and a minimal but valid DOCS (summary, since, group, complexity, subcommands).
 */
import type { Reply } from "../protocol/reply.js";
import { R } from "../protocol/reply.js";
import type { CommandSpec } from "./command-specs.js";
import { ACL_CATEGORIES, commandsInCategory } from "./command-specs.js";
import { liveCommandSpec, liveCommandSpecs } from "./live-commands.js";
import { globMatch } from "../core/index.js";
import type { Handler } from "./handler.js";

/** The listed commands, after rename-command (the specs keep their names, as in Redis). */
function visible(): CommandSpec[] {
  return liveCommandSpecs().filter((s) => !s.hidden);
}

function visibleSubs(spec: CommandSpec): CommandSpec[] {
  return spec.subcommands.filter((s) => !s.hidden);
}

/** One `COMMAND INFO` entry. */
export function commandInfoReply(spec: CommandSpec): Reply {
  const subs = visibleSubs(spec);
  return R.array([
    R.bulk(spec.name),
    R.integer(spec.arity),
    R.set(spec.flags.map((f) => R.simple(f))),
    R.integer(0),
    R.integer(0),
    R.integer(0),
    R.set(spec.categories.map((c) => R.simple(c))),
    R.set(spec.tips.map((t) => R.bulk(t))),
    R.set([]),
    subs.length === 0 ? R.set([]) : R.array(subs.map(commandInfoReply)),
  ]);
}

function docsReply(spec: CommandSpec): Reply {
  const entries: [Reply, Reply][] = [
    [R.bulk("summary"), R.bulk(spec.summary)],
    [R.bulk("since"), R.bulk(spec.since)],
    [R.bulk("group"), R.bulk(spec.group)],
    [R.bulk("complexity"), R.bulk(spec.complexity)],
  ];
  const subs = visibleSubs(spec);
  if (subs.length > 0)
    entries.push([R.bulk("subcommands"), R.map(subs.map((s) => [R.bulk(s.name), docsReply(s)]))]);
  return R.map(entries);
}

function allNames(): string[] {
  return visible().flatMap((s) => [s.name, ...visibleSubs(s).map((sub) => sub.name)]);
}

function lookup(name: string): CommandSpec | undefined {
  const [top = "", sub] = name.toLowerCase().split("|");
  const spec = liveCommandSpec(top);
  if (spec === undefined || spec.hidden) return undefined;
  if (sub === undefined) return spec;
  return visibleSubs(spec).find((s) => s.name === `${spec.name}|${sub}`);
}

const list: Handler = (args) => {
  if (args.length === 2) return R.array(allNames().map((n) => R.bulk(n)));
  if (args.length !== 5 || (args[2] ?? "").toLowerCase() !== "filterby")
    return R.error("ERR syntax error");
  const kind = (args[3] ?? "").toLowerCase();
  const value = args[4] ?? "";
  let names: string[];
  if (kind === "module") names = [];
  else if (kind === "aclcat")
    names = ACL_CATEGORIES.includes(value.toLowerCase())
      ? commandsInCategory(value.toLowerCase(), liveCommandSpecs())
      : [];
  else if (kind === "pattern") names = allNames().filter((n) => globMatch(value, n, true));
  else return R.error("ERR syntax error");
  return R.array(names.map((n) => R.bulk(n)));
};

const info: Handler = (args) => {
  if (args.length === 2) return R.array(visible().map(commandInfoReply));
  return R.array(
    args.slice(2).map((n) => {
      const spec = lookup(n);
      return spec === undefined ? R.nullArray() : commandInfoReply(spec);
    }),
  );
};

const docs: Handler = (args) => {
  const specs = args.length === 2 ? visible() : args.slice(2).flatMap((n) => lookup(n) ?? []);
  return R.map(specs.map((s) => [R.bulk(s.name), docsReply(s)]));
};

const getkeys: Handler = (args) =>
  lookup(args[2] ?? "") === undefined
    ? R.error("ERR Invalid command specified")
    : R.error("ERR The command has no key arguments");

const HELP_LINES = [
  "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "(no subcommand)",
  "    Return details about all commands.",
  "COUNT",
  "    Return the total number of commands.",
  "DOCS [<command-name> ...]",
  "    Return documentation details about commands.",
  "GETKEYS <full-command>",
  "    Return the keys from a full command.",
  "GETKEYSANDFLAGS <full-command>",
  "    Return the keys and their flags from a full command.",
  "INFO [<command-name> ...]",
  "    Return details about commands.",
  "LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
  "    Return a list of command names.",
  "HELP",
  "    Print this help.",
];

export const COMMAND_HANDLERS: Readonly<Record<string, Handler>> = {
  command: (args) =>
    args.length === 1 ? R.array(visible().map(commandInfoReply)) : R.error("ERR syntax error"),
  "command|count": () => R.integer(visible().length),
  "command|list": list,
  "command|info": info,
  "command|docs": docs,
  "command|getkeys": getkeys,
  "command|getkeysandflags": getkeys,
  "command|help": () => R.array(HELP_LINES.map((l) => R.simple(l))),
};
