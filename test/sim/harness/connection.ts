/**
 * A simulated TCP connection from a sentinel (client) to a server (a fake Redis node or another
 * sentinel's RESP port), carried by a network Stream. Requests and responses keep TCP order; a
 * close by either end travels to the other end like a FIN/RST. Servers answer requests through the
 * `respond` callback they receive, so the client side never has to match replies to requests.
 */
import type { Addr } from "../../../src/core/basics/addr.js";
import type { Epoch } from "../../../src/core/basics/epoch.js";
import type { FakeNetwork, Stream } from "./fake-network.js";

export type Request =
  | { readonly kind: "ping" }
  | { readonly kind: "info" }
  | { readonly kind: "publish"; readonly payload: string }
  | { readonly kind: "subscribe" }
  | { readonly kind: "replicaof"; readonly target: Addr | null }
  | { readonly kind: "script-kill" }
  | { readonly kind: "client-pause"; readonly ms: number }
  | { readonly kind: "client-unpause" }
  | {
      readonly kind: "is-master-down";
      readonly ip: string;
      readonly port: number;
      readonly epoch: Epoch;
      readonly runId: string;
    };

export type Response =
  | { readonly kind: "ok"; readonly text: string }
  | { readonly kind: "error"; readonly text: string }
  /** The [integer, bulk, integer] reply of SENTINEL is-master-down-by-addr. */
  | {
      readonly kind: "vote";
      readonly down: boolean;
      readonly leader: string;
      readonly leaderEpoch: Epoch;
    };

/** The client half of a connection (a sentinel's link). */
export interface ClientEnd {
  readonly host: string;
  /** Data for the client process; it may buffer it (paused) or drop it (crashed). */
  deliver(run: () => void): void;
}

/** Something listening on an address. */
export interface ServerEnd {
  readonly host: string;
  readonly port: number;
  /** Process alive (a paused process still accepts: the kernel completes the handshake). */
  readonly up: boolean;
  accept(conn: Connection): void;
  receive(conn: Connection, request: Request, respond: (response: Response) => void): void;
}

export class Connection {
  readonly stream: Stream;
  readonly client: ClientEnd;
  readonly server: ServerEnd;
  readonly kind: "cmd" | "pubsub";
  /** The CLIENT SETNAME the client sent with its connect ("" = none). */
  readonly clientName: string;
  /** The server dropped the connection (CLIENT KILL, crash): it ignores further requests. */
  serverClosed = false;
  private readonly network: FakeNetwork;
  /** Called on the client when the server side closed (reason as the shell would report it). */
  onServerClose: ((reason: string) => void) | null = null;
  /** Called on the client for every pub/sub message pushed by the server. */
  onMessage: ((payload: string) => void) | null = null;

  constructor(
    network: FakeNetwork,
    client: ClientEnd,
    server: ServerEnd,
    kind: "cmd" | "pubsub",
    clientName = "",
  ) {
    this.network = network;
    this.clientName = clientName;
    this.client = client;
    this.server = server;
    this.kind = kind;
    this.stream = network.openStream(client.host, server.host);
  }

  get open(): boolean {
    return !this.stream.closed && !this.serverClosed;
  }

  /** Client → server; `onResponse` runs on the client when the answer arrives. */
  request(request: Request, onResponse: (response: Response) => void): void {
    if (this.stream.closed) return;
    this.network.send(this.stream, "forward", () => {
      if (this.serverClosed || !this.server.up) return;
      this.server.receive(this, request, (response) => {
        if (this.serverClosed) return;
        this.network.send(this.stream, "backward", () => {
          this.client.deliver(() => {
            if (!this.stream.closed) onResponse(response);
          });
        });
      });
    });
  }

  /** Server → client pub/sub message: gossip, so it may be lost, duplicated or reordered. */
  push(payload: string): void {
    if (this.stream.closed || this.serverClosed) return;
    this.network.sendLoose(this.server.host, this.client.host, () => {
      this.client.deliver(() => {
        if (this.open && this.onMessage !== null) this.onMessage(payload);
      });
    });
  }

  /** The server drops the connection; the client learns it when the FIN/RST arrives. */
  closeByServer(reason: string): void {
    if (this.serverClosed || this.stream.closed) return;
    this.serverClosed = true;
    this.network.send(this.stream, "backward", () => {
      this.client.deliver(() => {
        if (this.stream.closed) return;
        this.stream.closed = true;
        if (this.onServerClose !== null) this.onServerClose(reason);
      });
    });
  }

  /** The client closes (or its process died): everything in flight is dropped. */
  closeByClient(): void {
    this.stream.closed = true;
  }
}
