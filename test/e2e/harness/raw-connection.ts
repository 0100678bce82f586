// A plain socket that keeps every byte it received, for tests that check replies raw (or a
// connection the server refuses). `halfOpen`: the socket stays open after the server ends its
// side, until destroyed.
import net from "node:net";

export interface RawConnection {
  readonly socket: net.Socket;
  received(): string;
}

export async function rawConnection(port: number, halfOpen = false): Promise<RawConnection> {
  const socket = net.createConnection({ host: "127.0.0.1", port, allowHalfOpen: halfOpen });
  let data = "";
  socket.on("data", (chunk: Buffer) => (data += chunk.toString("latin1")));
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return { socket, received: () => data };
}
