/**
 * zod schemas for the settings: field rules shared by both front ends (conf-to-config uses the
 * field schemas to check values; yaml-config validates a whole document with `configFileSchema`).
 * Messages are Redis's load-error texts where Redis has one (docs/PROTOCOL.md §10.2).
 * Defaults come from src/core/model/timing.ts and src/core/model/config.ts.
 */
import { z } from "zod";
import {
  DEFAULT_GLOBAL_SETTINGS,
  DEFAULT_TIMING,
  INVALID_MASTER_NAME,
  defaultMasterSettings,
  isValidMasterName,
} from "../core/index.js";
import { BAD_METRICS_BIND, isMetricsBindAddress } from "./metrics-settings.js";
import { DEFAULT_SERVER_SETTINGS } from "./types.js";

const masterDefaults = defaultMasterSettings(1);

export const REASONS = {
  quorum: "Quorum must be 1 or greater.",
  port: "Invalid port number.",
  positiveTime: "negative or zero time parameter.",
  nonNegativeTime: "negative time parameter.",
  myid: "Malformed Sentinel id in myid option.",
  notInteger: "argument couldn't be parsed into an integer",
  portRange: "argument must be between 0 and 65535 inclusive",
  yesNo: "argument must be 'yes' or 'no'",
  loglevel: "argument(s) must be one of the following: debug, verbose, notice, warning",
  logFormat: "argument(s) must be one of the following: legacy, logfmt, json",
  logTimestampFormat: "argument(s) must be one of the following: legacy, iso8601, milliseconds",
  supervised: "argument(s) must be one of the following: upstart, systemd, auto, no",
} as const;

/** yes/no as Redis spells it (any case), or a YAML boolean. */
export const yesNoSchema = z.union(
  [
    z.boolean(),
    z
      .string()
      .regex(/^(yes|no)$/i)
      .transform((v) => v.toLowerCase() === "yes"),
  ],
  { error: REASONS.yesNo },
);

/** A decimal integer written in a config line (Redis is laxer: atoi; Vigil refuses garbage). */
export const intTextSchema = z
  .string()
  .regex(/^[-+]?\d+$/, { error: REASONS.notInteger })
  // `+ 0`: "-0" is 0, as atoi gives it (Number gives -0, which no deep equality takes for 0).
  .transform((v) => Number(v) + 0)
  .pipe(z.number().refine((n) => Number.isSafeInteger(n), { error: REASONS.notInteger }));

/**
 * A monitored instance's port (sentinel.c: createSentinelAddr). 0 is accepted, as Redis does:
 * an address never connected to (a hello or INFO may carry it too).
 */
export const instancePortSchema = z
  .int({ error: REASONS.port })
  .min(0, { error: REASONS.port })
  .max(65535, { error: REASONS.port });
export const listenPortSchema = z
  .int({ error: REASONS.notInteger })
  .min(0, { error: REASONS.portRange })
  .max(65535, { error: REASONS.portRange });
export const quorumSchema = z.int({ error: REASONS.quorum }).min(1, { error: REASONS.quorum });
export const positiveTimeSchema = z
  .int({ error: REASONS.positiveTime })
  .min(1, { error: REASONS.positiveTime });
export const nonNegativeTimeSchema = z
  .int({ error: REASONS.nonNegativeTime })
  .min(0, { error: REASONS.nonNegativeTime });
export const parallelSyncsSchema = z.int({ error: REASONS.notInteger }).min(0);
export const epochSchema = z.int({ error: REASONS.notInteger }).min(0);
export const myIdSchema = z.string().length(40, { error: REASONS.myid });
export const logLevelSchema = z.enum(["debug", "verbose", "notice", "warning"], {
  error: REASONS.loglevel,
});
export const logFormatSchema = z.enum(["legacy", "logfmt", "json"], {
  error: REASONS.logFormat,
});
export const logTimestampFormatSchema = z.enum(["legacy", "iso8601", "milliseconds"], {
  error: REASONS.logTimestampFormat,
});
export const supervisedSchema = z.enum(["upstart", "systemd", "auto", "no"], {
  error: REASONS.supervised,
});
/** Master names: never `,` or whitespace, they would break hello messages and events. */
export const masterNameSchema = z
  .string()
  .refine(isValidMasterName, { error: INVALID_MASTER_NAME });

const rawValueSchema = z
  .union([z.string(), z.number(), z.boolean()])
  .transform((v) => (typeof v === "boolean" ? (v ? "yes" : "no") : String(v)));

/** `server:` — the plain Redis directives Vigil acts on. */
export const serverSchema = z.strictObject({
  port: listenPortSchema.default(DEFAULT_SERVER_SETTINGS.port),
  bind: z
    .union([
      z.string().transform((s) => s.split(/\s+/).filter((x) => x !== "")),
      z.array(z.string()),
    ])
    .default([]),
  "protected-mode": yesNoSchema.default(DEFAULT_SERVER_SETTINGS.protectedMode),
  dir: z.string().default(DEFAULT_SERVER_SETTINGS.dir),
  logfile: z.string().default(DEFAULT_SERVER_SETTINGS.logfile),
  loglevel: logLevelSchema.default(DEFAULT_SERVER_SETTINGS.loglevel),
  "log-format": logFormatSchema.default(DEFAULT_SERVER_SETTINGS.logFormat),
  "log-timestamp-format": logTimestampFormatSchema.default(
    DEFAULT_SERVER_SETTINGS.logTimestampFormat,
  ),
  pidfile: z.string().default(DEFAULT_SERVER_SETTINGS.pidfile),
  daemonize: yesNoSchema.default(DEFAULT_SERVER_SETTINGS.daemonize),
  requirepass: z.string().default(DEFAULT_SERVER_SETTINGS.requirepass),
  users: z.array(z.string().min(1)).default([]),
  aclfile: z.string().default(DEFAULT_SERVER_SETTINGS.aclfile),
  hz: z.int({ error: REASONS.notInteger }).min(0).default(DEFAULT_SERVER_SETTINGS.hz),
  tls: z
    .record(z.string().regex(/^tls-[a-z-]+$/, { error: "Not a tls-* directive." }), rawValueSchema)
    .default({}),
  syslog: z
    .partialRecord(z.enum(["syslog-enabled", "syslog-ident", "syslog-facility"]), rawValueSchema)
    .default({}),
  "state-file": z.string().default(DEFAULT_SERVER_SETTINGS.stateFile),
  supervised: supervisedSchema.default(DEFAULT_SERVER_SETTINGS.supervised),
  "metrics-port": listenPortSchema.default(DEFAULT_SERVER_SETTINGS.metricsPort),
  "metrics-bind": z
    .union([
      z.string().transform((s) => s.split(/\s+/).filter((x) => x !== "")),
      z.array(z.string()),
    ])
    .pipe(z.array(z.string().refine(isMetricsBindAddress, { error: BAD_METRICS_BIND })))
    .default([]),
  "metrics-auth": yesNoSchema.default(DEFAULT_SERVER_SETTINGS.metricsAuth),
});

/** `sentinel:` — the global `sentinel` directives plus the persisted myid / current-epoch. */
export const sentinelGlobalSchema = z.strictObject({
  myid: z.union([z.literal(""), myIdSchema]).default(""),
  "current-epoch": epochSchema.default(0),
  "announce-ip": z.string().default(DEFAULT_GLOBAL_SETTINGS.announceIp),
  "announce-port": listenPortSchema.default(DEFAULT_GLOBAL_SETTINGS.announcePort),
  "deny-scripts-reconfig": yesNoSchema.default(DEFAULT_GLOBAL_SETTINGS.denyScriptsReconfig),
  "resolve-hostnames": yesNoSchema.default(DEFAULT_GLOBAL_SETTINGS.resolveHostnames),
  "announce-hostnames": yesNoSchema.default(DEFAULT_GLOBAL_SETTINGS.announceHostnames),
  "sentinel-user": z.string().default(DEFAULT_GLOBAL_SETTINGS.sentinelUser),
  "sentinel-pass": z.string().default(DEFAULT_GLOBAL_SETTINGS.sentinelPass),
});

/** `masters.<name>:` — `sentinel monitor` plus the per-master options. */
export const masterSchema = z.strictObject({
  host: z.string().min(1, { error: "Can't resolve instance hostname." }),
  port: instancePortSchema,
  quorum: quorumSchema,
  "down-after-milliseconds": positiveTimeSchema.default(DEFAULT_TIMING.defaultDownAfter),
  "failover-timeout": positiveTimeSchema.default(DEFAULT_TIMING.defaultFailoverTimeout),
  "parallel-syncs": parallelSyncsSchema.default(masterDefaults.parallelSyncs),
  "master-reboot-down-after-period": nonNegativeTimeSchema.default(
    masterDefaults.masterRebootDownAfterPeriod,
  ),
  "notification-script": z.string().default(""),
  "client-reconfig-script": z.string().default(""),
  "auth-pass": z.string().default(""),
  "auth-user": z.string().default(""),
  "fence-isolated-master": yesNoSchema.default(false),
  /** original command → new name. */
  "rename-command": z.record(z.string().min(1), z.string().min(1)).default({}),
});

/** A whole YAML config document. */
export const configFileSchema = z.strictObject({
  server: serverSchema.prefault({}),
  sentinel: sentinelGlobalSchema.prefault({}),
  masters: z.record(masterNameSchema, masterSchema).default({}),
});

export type ServerInput = z.output<typeof serverSchema>;
export type SentinelGlobalInput = z.output<typeof sentinelGlobalSchema>;
export type MasterInput = z.output<typeof masterSchema>;
export type ConfigFileInput = z.output<typeof configFileSchema>;

/** The first issue's message of a failed field check, or null when the value is valid. */
export function checkValue(schema: z.ZodType, value: unknown): string | null {
  const r = schema.safeParse(value);
  return r.success ? null : (r.error.issues[0]?.message ?? "invalid value");
}
