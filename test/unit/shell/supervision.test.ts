// Proves `supervised` tells systemd what redis-sentinel 7.0.15 tells it, in its order (checked
// against Debian's redis-sentinel with a NOTIFY_SOCKET listener): "STATUS=Redis is loading...",
// then "STATUS=Ready to accept connections" and "READY=1", then "STOPPING=1"; auto only with
// NOTIFY_SOCKET set; and Redis's log lines when the socket is missing or a send fails.
import { expect } from "chai";
import { createLogger } from "../../../src/shell/logger.js";
import { startSupervision, type NotifyRunner } from "../../../src/shell/supervision.js";

function capture(): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const logger = createLogger({
    level: "notice",
    logfile: "",
    destination: { write: (line) => lines.push(line.trimEnd()) },
  });
  return { lines, logger };
}

describe("supervision (supervised systemd|auto|no)", () => {
  const socket = { NOTIFY_SOCKET: "/run/x.sock" };

  it("sends Redis's messages in order, STOPPING resolving once sent", async () => {
    const sent: string[] = [];
    const run: NotifyRunner = async (assignment, env) => {
      await new Promise((r) => setTimeout(r, 1));
      sent.push(`${env["NOTIFY_SOCKET"] ?? ""} ${assignment}`);
      return null;
    };
    const { lines, logger } = capture();
    const s = await startSupervision("systemd", logger, { ...socket }, run);
    s.ready();
    await s.stopping();
    expect(sent).to.deep.equal(
      [
        "STATUS=Redis is loading...",
        "STATUS=Ready to accept connections",
        "READY=1",
        "STOPPING=1",
      ].map((m) => `/run/x.sock ${m}`),
    );
    expect(lines.join("\n")).to.include(
      "Supervised by systemd. Please make sure you set appropriate values for TimeoutStartSec and TimeoutStopSec in your service unit.",
    );
  });

  it("auto notifies only with NOTIFY_SOCKET; no never; systemd without it logs Redis's line", async () => {
    const sent: string[] = [];
    const run: NotifyRunner = (assignment) => {
      sent.push(assignment);
      return Promise.resolve(null);
    };
    const { lines, logger } = capture();
    (await startSupervision("auto", logger, {}, run)).ready();
    (await startSupervision("no", logger, { ...socket }, run)).ready();
    (await startSupervision("systemd", logger, {}, run)).ready();
    expect(sent).to.deep.equal([]);
    expect(lines.join("\n")).to.match(/# systemd supervision error: NOTIFY_SOCKET not found!$/);
    (await startSupervision("auto", logger, { ...socket }, run)).ready();
    await new Promise((r) => setTimeout(r, 5));
    expect(sent).to.deep.equal([
      "STATUS=Redis is loading...",
      "STATUS=Ready to accept connections",
      "READY=1",
    ]);
  });

  it("logs a failed send as a supervision error and keeps going", async () => {
    const run: NotifyRunner = () =>
      Promise.resolve("Failed to notify init system: No such file or directory");
    const { lines, logger } = capture();
    const s = await startSupervision("systemd", logger, { ...socket }, run);
    await s.stopping();
    expect(lines.filter((l) => l.includes("systemd supervision error"))).to.have.length(2);
    expect(lines.join("\n")).not.to.include("Supervised by systemd");
  });
});
