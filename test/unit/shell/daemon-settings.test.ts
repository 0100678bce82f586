// Proves a daemonized sentinel without a pidfile uses Redis's default one, /var/run/redis.pid
// (server.c: createPidFile), and that the rewrite then names it, as redis-sentinel 7.0's does.
import { expect } from "chai";
import { rewriteConf } from "../../../src/config/conf-rewriter.js";
import { DEFAULT_SERVER_SETTINGS } from "../../../src/config/types.js";
import { DEFAULT_GLOBAL_SETTINGS } from "../../../src/core/model/config.js";
import { DEFAULT_DAEMON_PIDFILE, effectiveServer } from "../../../src/shell/daemon.js";

describe("daemon settings", () => {
  it("gives a daemonized sentinel Redis's default pidfile, written back by the rewrite", () => {
    const server = effectiveServer({ ...DEFAULT_SERVER_SETTINGS, daemonize: true });
    expect(server.pidfile).to.equal(DEFAULT_DAEMON_PIDFILE).and.equal("/var/run/redis.pid");
    const text = rewriteConf("daemonize yes\n", server, {
      myId: "a".repeat(40),
      currentEpoch: 0n,
      global: DEFAULT_GLOBAL_SETTINGS,
      masters: [],
    });
    expect(text).to.match(/^pidfile "\/var\/run\/redis.pid"$/m);
  });

  it("keeps a given pidfile, and none in the foreground", () => {
    const given = { ...DEFAULT_SERVER_SETTINGS, daemonize: true, pidfile: "/tmp/s.pid" };
    expect(effectiveServer(given).pidfile).to.equal("/tmp/s.pid");
    expect(effectiveServer(DEFAULT_SERVER_SETTINGS).pidfile).to.equal("");
  });
});
