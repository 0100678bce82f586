/**
 * zod schemas for the YAML front end (yaml-config validates a whole document with
 * `configFileSchema`; loaded only for a YAML config). The `.conf` front end checks the same
 * rules in plain code (field-rules.ts; test/unit/config/field-rules.test.ts compares them).
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
import {
  LOG_FORMATS,
  LOG_LEVELS,
  LOG_TIMESTAMP_FORMATS,
  REASONS,
  SUPERVISED_MODES,
} from "./field-rules.js";
import { BAD_METRICS_BIND, isMetricsBindAddress } from "./metrics-settings.js";
import { DEFAULT_SERVER_SETTINGS } from "./types.js";

export { REASONS };

const masterDefaults = defaultMasterSettings(1);

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
export const logLevelSchema = z.enum(LOG_LEVELS, {
  error: REASONS.loglevel,
});
export const logFormatSchema = z.enum(LOG_FORMATS, {
  error: REASONS.logFormat,
});
export const logTimestampFormatSchema = z.enum(LOG_TIMESTAMP_FORMATS, {
  error: REASONS.logTimestampFormat,
});
export const supervisedSchema = z.enum(SUPERVISED_MODES, {
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
  maxclients: z
    .int({ error: REASONS.notInteger })
    .min(1)
    .max(4_294_967_295)
    .default(DEFAULT_SERVER_SETTINGS.maxclients),
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
  // Top-level `rename-command` lines in file order ("" deletes); checked in yaml-config.ts.
  "rename-command": z.record(z.string().min(1), z.string()).default({}),
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
