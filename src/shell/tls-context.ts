/**
 * The TLS contexts of a sentinel, built from the tls-* settings the way Redis 7.0 builds its
 * SSL_CTXs (tls.c: tlsConfigure, createSSLContext), with its checks in its order and its log
 * texts: a server context (the TLS listener, and the links when no client pair is given) and,
 * with `tls-client-cert-file` and `tls-client-key-file`, a client context for the links.
 *
 * Node's TLS sits on the same OpenSSL, so certificate and key errors carry OpenSSL's own
 * reason strings. What Node cannot express is mapped as closely as it allows
 * (docs/COMPATIBILITY.md, "TLS"): a CA directory is read whole (every PEM certificate in it)
 * instead of by OpenSSL's hashed lookup, and the TLS 1.2 cipher list and the TLS 1.3 suites are
 * given to Node as one list, each side keeping Node's default when unset.
 */
import type crypto from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type tls from "node:tls";
import { TlsConfigError } from "../errors.js";
import type { TlsAuthClients, TlsSettings } from "../config/tls-settings.js";

export interface TlsContexts {
  /**
   * The listener's context, as options: net's tls.Server builds its context from options only
   * (createServer and setSecureContext ignore a ready SecureContext).
   */
  readonly server: tls.SecureContextOptions;
  /** The links' context: the client pair's, else the server pair's. */
  readonly client: tls.SecureContext;
  readonly authClients: TlsAuthClients;
  /** Seconds a server session stays resumable; 0 when session caching is off. */
  readonly sessionTimeout: number;
  readonly sessionCacheSize: number;
}

export type ReadFile = (file: string) => Buffer;

const defaultRead: ReadFile = (file) => readFileSync(file);

const NO_CA =
  "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or tls-auth-clients are enabled!";
const BAD_PROTOCOLS =
  "Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.";

/**
 * node:crypto, loaded at the first TLS use like node:tls (tlsModule): a sentinel without TLS does
 * not load it (entropy.ts).
 */
function cryptoModule(): typeof crypto {
  return process.getBuiltinModule("node:crypto");
}

function protocolFlags(): Readonly<Record<string, number>> {
  const { constants } = cryptoModule();
  return {
    tlsv1: constants.SSL_OP_NO_TLSv1,
    "tlsv1.1": constants.SSL_OP_NO_TLSv1_1,
    "tlsv1.2": constants.SSL_OP_NO_TLSv1_2,
    "tlsv1.3": constants.SSL_OP_NO_TLSv1_3,
  };
}

/**
 * tls-protocols → the SSL_OP_NO_* options that leave only the named versions (tls.c:
 * parseProtocolsConfig: names split on single spaces, any case; unset = TLSv1.2 and TLSv1.3).
 */
export function protocolOptions(protocols: string): number {
  const wanted = protocols === "" ? ["tlsv1.2", "tlsv1.3"] : protocols.split(" ");
  const flags = protocolFlags();
  let keep = 0;
  for (const token of wanted) {
    const flag = flags[token.toLowerCase()];
    if (flag === undefined) throw new TlsConfigError(BAD_PROTOCOLS);
    keep |= flag;
  }
  let options = 0;
  for (const flag of Object.values(flags)) if ((keep & flag) === 0) options |= flag;
  return options;
}

/**
 * node:tls, loaded at the first TLS use: a sentinel without TLS does not load it (its code and
 * OpenSSL's TLS setup cost ~0.5 MB of resident memory, issue #18).
 */
function tlsModule(): typeof tls {
  return process.getBuiltinModule("node:tls");
}

/** Node's single cipher string from tls-ciphers (TLS ≤ 1.2) and tls-ciphersuites (TLS 1.3). */
export function cipherString(ciphers: string, ciphersuites: string): string {
  const defaults = tlsModule().DEFAULT_CIPHERS.split(":");
  const suites = defaults.filter((c) => c.startsWith("TLS_")).join(":");
  const list = defaults.filter((c) => !c.startsWith("TLS_")).join(":");
  return `${ciphersuites === "" ? suites : ciphersuites}:${ciphers === "" ? list : ciphers}`;
}

function reasonOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // fs errors read "ENOENT: no such file or directory, open '<file>'": keep the reason only.
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== undefined && err.message.startsWith(`${code}: `)) {
    return err.message.slice(code.length + 2).replace(/, \w+ '.*'$/, "");
  }
  return err.message;
}

function fail(message: string, err?: unknown): never {
  throw new TlsConfigError(err === undefined ? message : `${message}: ${reasonOf(err)}`, {
    cause: err,
  });
}

/** OpenSSL 3's error for a CA file without a certificate (X509_R_NO_CERTIFICATE_OR_CRL_FOUND). */
const NO_CERT_FOUND = "error:05800088:x509 certificate routines::no certificate or crl found";

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The CA certificates of a file and/or a directory (every PEM certificate in its files). */
function loadCa(settings: TlsSettings, read: ReadFile): string[] {
  const where = "Failed to configure CA certificate(s) file/directory";
  const certs: string[] = [];
  const addFrom = (text: string): number => {
    let n = 0;
    for (const pem of text.match(PEM_CERT) ?? []) {
      try {
        new (cryptoModule().X509Certificate)(pem);
      } catch {
        continue;
      }
      certs.push(pem);
      n++;
    }
    return n;
  };
  if (settings.caCertFile !== "") {
    let text: string;
    try {
      text = read(settings.caCertFile).toString("latin1");
    } catch (err) {
      fail(where, err);
    }
    if (addFrom(text) === 0) fail(`${where}: ${NO_CERT_FOUND}`);
  }
  if (settings.caCertDir !== "") {
    let names: string[];
    try {
      names = readdirSync(settings.caCertDir);
    } catch (err) {
      fail(where, err);
    }
    for (const name of names.sort()) {
      try {
        addFrom(read(join(settings.caCertDir, name)).toString("latin1"));
      } catch {
        // Not a readable file (a subdirectory, a dangling link): OpenSSL skips it too.
      }
    }
  }
  return certs;
}

interface Common {
  readonly ca: string[];
  readonly secureOptions: number;
  readonly ciphers: string;
}

function createContext(
  common: Common,
  certFile: string,
  keyFile: string,
  pass: string,
  settings: TlsSettings,
  read: ReadFile,
  server: boolean,
): { options: tls.SecureContextOptions; context: tls.SecureContext } {
  let cert: Buffer;
  try {
    cert = read(certFile);
    tlsModule().createSecureContext({ cert });
  } catch (err) {
    fail(`Failed to load certificate: ${certFile}`, err);
  }
  let key: Buffer;
  try {
    key = read(keyFile);
    cryptoModule().createPrivateKey({ key, passphrase: pass });
    tlsModule().createSecureContext({ cert, key, passphrase: pass });
  } catch (err) {
    fail(`Failed to load private key: ${keyFile}`, err);
  }
  const { constants } = cryptoModule();
  const options: tls.SecureContextOptions = {
    cert,
    key,
    passphrase: pass,
    ca: common.ca,
    ciphers: common.ciphers,
    minVersion: "TLSv1",
    maxVersion: "TLSv1.3",
    secureOptions:
      common.secureOptions |
      constants.SSL_OP_NO_COMPRESSION |
      (server && settings.preferServerCiphers ? constants.SSL_OP_CIPHER_SERVER_PREFERENCE : 0) |
      // tls-session-caching no: nothing to resume a session from (docs/COMPATIBILITY.md).
      (server && !settings.sessionCaching ? constants.SSL_OP_NO_TICKET : 0),
    ...(server ? { sessionIdContext: "redis" } : {}),
  };
  if (server && settings.dhParamsFile !== "") {
    try {
      options.dhparam = read(settings.dhParamsFile);
    } catch (err) {
      fail(`Failed to load ${settings.dhParamsFile}`, err);
    }
  }
  try {
    return { options, context: tlsModule().createSecureContext(options) };
  } catch (err) {
    if (server && settings.dhParamsFile !== "") {
      fail(`Failed to load DH params file: ${settings.dhParamsFile}`, err);
    }
    throw new TlsConfigError(`Failed to configure TLS: ${reasonOf(err)}`, { cause: err });
  }
}

function checkCiphers(settings: TlsSettings): string {
  const ciphers = cipherString(settings.ciphers, settings.ciphersuites);
  if (settings.ciphers !== "") {
    try {
      tlsModule().createSecureContext({ ciphers: cipherString(settings.ciphers, "") });
    } catch {
      fail(`Failed to configure ciphers: ${settings.ciphers}`);
    }
  }
  if (settings.ciphersuites !== "") {
    // Node files names without the TLS_ prefix under TLS 1.2; OpenSSL's suites API takes none.
    if (settings.ciphersuites.split(":").some((c) => !c.startsWith("TLS_"))) {
      fail(`Failed to configure ciphersuites: ${settings.ciphersuites}`);
    }
    try {
      tlsModule().createSecureContext({ ciphers: cipherString("", settings.ciphersuites) });
    } catch {
      fail(`Failed to configure ciphersuites: ${settings.ciphersuites}`);
    }
  }
  return ciphers;
}

/**
 * Builds the contexts, or throws TlsConfigError with the line Redis logs for the first problem.
 * `cluster` is tls-cluster (only its part in the CA check matters to a sentinel).
 */
export function buildTlsContexts(
  settings: TlsSettings,
  cluster = false,
  read: ReadFile = defaultRead,
): TlsContexts {
  if (settings.certFile === "") fail("No tls-cert-file configured!");
  if (settings.keyFile === "") fail("No tls-key-file configured!");
  if (
    (settings.authClients !== "no" || cluster || settings.replication) &&
    settings.caCertFile === "" &&
    settings.caCertDir === ""
  ) {
    fail(NO_CA);
  }
  const secureOptions = protocolOptions(settings.protocols);
  // The certificate and key come first in Redis's order, then the CA, then the ciphers.
  const pre = { ca: [], secureOptions, ciphers: tlsModule().DEFAULT_CIPHERS };
  createContext(
    pre,
    settings.certFile,
    settings.keyFile,
    settings.keyFilePass,
    settings,
    read,
    false,
  );
  const ca = loadCa(settings, read);
  const common: Common = { ca, secureOptions, ciphers: checkCiphers(settings) };
  const server = createContext(
    common,
    settings.certFile,
    settings.keyFile,
    settings.keyFilePass,
    settings,
    read,
    true,
  );
  const client =
    settings.clientCertFile !== "" && settings.clientKeyFile !== ""
      ? createContext(
          common,
          settings.clientCertFile,
          settings.clientKeyFile,
          settings.clientKeyFilePass,
          settings,
          read,
          false,
        ).context
      : server.context;
  return {
    server: server.options,
    client,
    authClients: settings.authClients,
    sessionTimeout: settings.sessionCaching ? settings.sessionCacheTimeout : 0,
    sessionCacheSize: settings.sessionCacheSize,
  };
}
