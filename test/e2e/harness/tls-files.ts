// Certificates for TLS topologies, made by openssl in a test's dir: one CA and one certificate
// (CN and subjectAltName localhost / 127.0.0.1, no key usage limits, so that it serves as both
// the server and the client certificate, as Redis's own test certificates do), plus a second,
// self-signed pair that the CA did not sign (a client that must be refused). Also the
// directives and client options that put a redis-server, a sentinel or a client on TLS.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { ConnectionOptions } from "node:tls";

export const OPENSSL_BIN = process.env["OPENSSL_BIN"] ?? "/usr/bin/openssl";

export interface TlsFiles {
  readonly dir: string;
  readonly caCert: string;
  readonly cert: string;
  readonly key: string;
  /** Self-signed, not by the CA. */
  readonly strangerCert: string;
  readonly strangerKey: string;
}

function openssl(args: readonly string[], cwd: string): void {
  execFileSync(OPENSSL_BIN, args, { cwd, stdio: ["ignore", "ignore", "pipe"], timeout: 30_000 });
}

/** Makes (once per dir) the CA, the shared certificate and the stranger's pair. */
export function makeTlsFiles(dir: string): TlsFiles {
  fs.mkdirSync(dir, { recursive: true });
  const files: TlsFiles = {
    dir,
    caCert: path.join(dir, "ca.crt"),
    cert: path.join(dir, "redis.crt"),
    key: path.join(dir, "redis.key"),
    strangerCert: path.join(dir, "stranger.crt"),
    strangerKey: path.join(dir, "stranger.key"),
  };
  if (fs.existsSync(files.strangerKey)) return files;
  const days = ["-days", "30"];
  openssl(
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key"].concat([
      "-out",
      "ca.crt",
      "-subj",
      "/CN=Vigil Test CA",
      ...days,
    ]),
    dir,
  );
  openssl(
    ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "redis.key", "-out", "redis.csr"].concat([
      "-subj",
      "/CN=localhost",
    ]),
    dir,
  );
  fs.writeFileSync(path.join(dir, "san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  openssl(
    ["x509", "-req", "-in", "redis.csr", "-CA", "ca.crt", "-CAkey", "ca.key"].concat([
      "-CAcreateserial",
      "-out",
      "redis.crt",
      "-extfile",
      "san.ext",
      ...days,
    ]),
    dir,
  );
  openssl(
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "stranger.key"].concat([
      "-out",
      "stranger.crt",
      "-subj",
      "/CN=localhost",
      ...days,
    ]),
    dir,
  );
  return files;
}

/** redis-server on TLS only, its replication links too (the port given becomes tls-port). */
export function redisTlsArgs(files: TlsFiles, port: number): string[] {
  return [
    "--port",
    "0",
    "--tls-port",
    String(port),
    "--tls-cert-file",
    files.cert,
    "--tls-key-file",
    files.key,
    "--tls-ca-cert-file",
    files.caCert,
    "--tls-replication",
    "yes",
  ];
}

/** sentinel.conf lines (Vigil and redis-sentinel alike): TLS only, every link on TLS. */
export function sentinelTlsLines(files: TlsFiles, port: number): string[] {
  return [
    "port 0",
    `tls-port ${port}`,
    `tls-cert-file "${files.cert}"`,
    `tls-key-file "${files.key}"`,
    `tls-ca-cert-file "${files.caCert}"`,
    "tls-replication yes",
  ];
}

/** A client that trusts the CA and presents the shared certificate. */
export function tlsClientOptions(files: TlsFiles): ConnectionOptions {
  return {
    ca: fs.readFileSync(files.caCert),
    cert: fs.readFileSync(files.cert),
    key: fs.readFileSync(files.key),
    servername: "localhost",
  };
}
