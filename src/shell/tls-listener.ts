/**
 * A TLS listener for the RESP server (tls-port). Client certificates follow tls-auth-clients
 * (tls.c: connCreateAcceptedTLS): `yes` requires a valid one, `optional` takes a connection
 * without one but refuses an invalid one, `no` asks for none. A handshake that fails is logged
 * as Redis logs it (`Error accepting a client connection: <reason>`) and the connection closed.
 * renewTlsListener gives a listener reloaded certificates: new handshakes use them, established
 * connections keep theirs.
 */
import type { Socket } from "node:net";
import type tls from "node:tls";
import type { TlsContexts } from "./tls-context.js";

export type TlsServer = tls.Server;

function serverOptions(contexts: TlsContexts): tls.TlsOptions {
  return {
    ...contexts.server,
    requestCert: contexts.authClients !== "no",
    rejectUnauthorized: contexts.authClients === "yes",
    ...(contexts.sessionTimeout > 0 ? { sessionTimeout: contexts.sessionTimeout } : {}),
  };
}

/**
 * OpenSSL's error in the form Redis logs (ERR_error_string_n: "error:<code>:<lib>::<reason>"),
 * without the function and source location Node adds.
 */
export function shortReason(message: string): string {
  const m = /error:([0-9A-F]+):([^:]*):[^:]*:([^:]+)/.exec(message);
  return m === null ? message : `error:${m[1] ?? ""}:${m[2] ?? ""}::${m[3] ?? ""}`;
}

const VERIFY_FAILED = "error:0A000086:SSL routines::certificate verify failed";

export function createTlsListener(
  contexts: TlsContexts,
  onConnection: (socket: Socket) => void,
  warn: (message: string) => void,
): TlsServer {
  // node:tls is loaded by the first TLS use, not at every start (as in tls-context.ts).
  const server = process
    .getBuiltinModule("node:tls")
    .createServer({ ...serverOptions(contexts), noDelay: true }, (socket: tls.TLSSocket) => {
      // `optional`: no certificate is fine, an invalid one is not.
      if (contexts.authClients === "optional" && !socket.authorized) {
        const peer = socket.getPeerCertificate();
        if (Object.keys(peer).length > 0) {
          // OpenSSL's words, as Redis logs the handshake its SSL_VERIFY_PEER failed.
          warn(`Error accepting a client connection: ${VERIFY_FAILED}`);
          socket.destroy();
          return;
        }
      }
      onConnection(socket);
    });
  server.on("tlsClientError", (err: Error) => {
    warn(`Error accepting a client connection: ${shortReason(err.message)}`);
  });
  return server;
}

/** New connections get `contexts` (same tls-auth-clients: only the files were re-read). */
export function renewTlsListener(server: TlsServer, contexts: TlsContexts): void {
  server.setSecureContext(serverOptions(contexts));
}
