/**
 * The `tls-*` directives: their load-time checks and the typed settings the shell builds its TLS
 * contexts from (docs/COMPATIBILITY.md, "TLS"). The directives stay in ServerSettings.tls as
 * written (checked values in Redis's canonical spelling), so a config rewrite gives them back;
 * `tlsSettings` reads them with Redis 7.0's defaults (config.c).
 *
 * Also the two decisions that depend on both `port` and `tls-port`: where the sentinel listens
 * (`listenPlan`) and which port its hellos announce (`announcedPort`).
 */
import { parseLongLong } from "../commands/sentinel-parse.js";
import { LineError } from "../errors.js";
import { REASONS } from "./field-rules.js";
import type { ServerSettings } from "./types.js";

export type TlsAuthClients = "yes" | "no" | "optional";

export interface TlsSettings {
  /** 0 = no TLS listener. */
  readonly port: number;
  readonly certFile: string;
  readonly keyFile: string;
  readonly keyFilePass: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  readonly clientKeyFilePass: string;
  readonly dhParamsFile: string;
  readonly caCertFile: string;
  readonly caCertDir: string;
  readonly authClients: TlsAuthClients;
  /** Links to masters, replicas and peer sentinels use TLS. */
  readonly replication: boolean;
  /** "" = Redis's default, TLSv1.2 and TLSv1.3. */
  readonly protocols: string;
  readonly ciphers: string;
  readonly ciphersuites: string;
  readonly preferServerCiphers: boolean;
  readonly sessionCaching: boolean;
  readonly sessionCacheSize: number;
  /** Seconds. */
  readonly sessionCacheTimeout: number;
}

export const DEFAULT_TLS_SETTINGS: TlsSettings = {
  port: 0,
  certFile: "",
  keyFile: "",
  keyFilePass: "",
  clientCertFile: "",
  clientKeyFile: "",
  clientKeyFilePass: "",
  dhParamsFile: "",
  caCertFile: "",
  caCertDir: "",
  authClients: "yes",
  replication: false,
  protocols: "",
  ciphers: "",
  ciphersuites: "",
  preferServerCiphers: false,
  sessionCaching: true,
  sessionCacheSize: 20 * 1024,
  sessionCacheTimeout: 300,
};

type Kind = "port" | "bool" | "int" | "auth" | "string";

/** Every tls-* directive of Redis 7.0 and how config.c checks its value. */
const TLS_DIRECTIVES: Readonly<Record<string, Kind>> = {
  "tls-port": "port",
  "tls-cert-file": "string",
  "tls-key-file": "string",
  "tls-key-file-pass": "string",
  "tls-client-cert-file": "string",
  "tls-client-key-file": "string",
  "tls-client-key-file-pass": "string",
  "tls-dh-params-file": "string",
  "tls-ca-cert-file": "string",
  "tls-ca-cert-dir": "string",
  "tls-auth-clients": "auth",
  "tls-replication": "bool",
  "tls-cluster": "bool",
  "tls-protocols": "string",
  "tls-ciphers": "string",
  "tls-ciphersuites": "string",
  "tls-prefer-server-ciphers": "bool",
  "tls-session-caching": "bool",
  "tls-session-cache-size": "int",
  "tls-session-cache-timeout": "int",
};

const AUTH_REASON = "argument(s) must be one of the following: no, yes, optional";
const INT_RANGE_REASON = "argument must be between 0 and 2147483647 inclusive";

/** Redis's string2ll (parseLongLong): "+5" and "05" are refused, so is anything past int64. */
function intValue(v: string, max: number, rangeReason: string): string {
  const n = parseLongLong(v);
  if (n === null) throw new LineError(REASONS.notInteger);
  if (n < 0n || n > BigInt(max)) throw new LineError(rangeReason);
  return v;
}

/**
 * Checks one tls-* value as Redis does at load and returns it in Redis's spelling (yes/no and
 * the auth mode in lower case, integers in decimal). Throws LineError with Redis's reason.
 */
export function checkTlsDirective(name: string, value: string): string {
  const kind: Kind | undefined = TLS_DIRECTIVES[name];
  switch (kind) {
    case "port":
      return intValue(value, 65535, REASONS.portRange);
    case "int":
      return intValue(value, 2147483647, INT_RANGE_REASON);
    case "bool": {
      const l = value.toLowerCase();
      if (l !== "yes" && l !== "no") throw new LineError(REASONS.yesNo);
      return l;
    }
    case "auth": {
      const l = value.toLowerCase();
      if (l !== "yes" && l !== "no" && l !== "optional") throw new LineError(AUTH_REASON);
      return l;
    }
    case "string":
      return value;
    case undefined:
      throw new LineError("Bad directive or wrong number of arguments");
  }
}

/** The typed TLS settings of a loaded config, Redis's defaults for what is not written. */
export function tlsSettings(raw: Readonly<Record<string, string>>): TlsSettings {
  const str = (name: string): string => raw[name] ?? "";
  const int = (name: string, dflt: number): number =>
    raw[name] === undefined ? dflt : Number(raw[name]);
  const bool = (name: string, dflt: boolean): boolean =>
    raw[name] === undefined ? dflt : raw[name] === "yes";
  const auth = raw["tls-auth-clients"];
  return {
    port: int("tls-port", DEFAULT_TLS_SETTINGS.port),
    certFile: str("tls-cert-file"),
    keyFile: str("tls-key-file"),
    keyFilePass: str("tls-key-file-pass"),
    clientCertFile: str("tls-client-cert-file"),
    clientKeyFile: str("tls-client-key-file"),
    clientKeyFilePass: str("tls-client-key-file-pass"),
    dhParamsFile: str("tls-dh-params-file"),
    caCertFile: str("tls-ca-cert-file"),
    caCertDir: str("tls-ca-cert-dir"),
    authClients: auth === "no" || auth === "optional" ? auth : "yes",
    replication: bool("tls-replication", DEFAULT_TLS_SETTINGS.replication),
    protocols: str("tls-protocols"),
    ciphers: str("tls-ciphers"),
    ciphersuites: str("tls-ciphersuites"),
    preferServerCiphers: bool("tls-prefer-server-ciphers", false),
    sessionCaching: bool("tls-session-caching", DEFAULT_TLS_SETTINGS.sessionCaching),
    sessionCacheSize: int("tls-session-cache-size", DEFAULT_TLS_SETTINGS.sessionCacheSize),
    sessionCacheTimeout: int("tls-session-cache-timeout", DEFAULT_TLS_SETTINGS.sessionCacheTimeout),
  };
}

/**
 * Redis configures TLS at start when it listens on a TLS port or makes TLS links (server.c:
 * initServer, `tls_port || tls_replication || tls_cluster`).
 */
export function tlsNeeded(tls: TlsSettings, raw: Readonly<Record<string, string>>): boolean {
  return tls.port !== 0 || tls.replication || raw["tls-cluster"] === "yes";
}

export interface ListenPlan {
  /** Plain TCP port, null = none (`port 0`). */
  readonly plain: number | null;
  /** TLS port, null = none (`tls-port 0`, the default). */
  readonly tls: number | null;
}

/** The message Redis exits with when both ports are 0 (server.c: initServer). */
export const NOT_LISTENING = "Configured to not listen anywhere, exiting.";

/**
 * Where the sentinel listens: `port` unless 0, `tls-port` unless 0, on every bind address.
 * Null when it would listen nowhere (Redis exits with NOT_LISTENING): both ports 0, or `bind ""`,
 * which Redis 7 reads as no address at all (config.c: setConfigBindOption).
 */
export function listenPlan(server: ServerSettings): ListenPlan | null {
  const tls = tlsSettings(server.tls);
  if (server.port === 0 && tls.port === 0) return null;
  if (server.bind.length === 1 && server.bind[0] === "") return null;
  return { plain: server.port === 0 ? null : server.port, tls: tls.port === 0 ? null : tls.port };
}

/**
 * The port the sentinel names in its startup line and INFO's tcp_port: `port`, or `tls-port`
 * when `port` is 0 (server.c: `server.port ? server.port : server.tls_port`).
 */
export function reportedPort(server: ServerSettings): number {
  return server.port !== 0 ? server.port : tlsSettings(server.tls).port;
}

/**
 * The port the hellos announce when `sentinel announce-port` is unset: the TLS port when the
 * links use TLS and there is one, else `port` (sentinel.c: sentinelSendHello).
 */
export function announcedPort(server: ServerSettings): number {
  const tls = tlsSettings(server.tls);
  return tls.replication && tls.port !== 0 ? tls.port : server.port;
}
