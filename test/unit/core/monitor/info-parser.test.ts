// Proves that INFO text is read the way sentinel.c reads it, on real redis-server 7.0.15 output
// (fixtures captured from a master with two replicas, a replica with its link up and down, and
// a replica with replica-announced no / priority 0), plus the old slave-line form and edge cases.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { parseInfo, parseReplicaLine } from "../../../../src/core/monitor/info-parser.js";

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
}

describe("info-parser: real redis-server 7.0.15 INFO", () => {
  it("reads a master's run id, role and both replica lines", () => {
    const report = parseInfo(fixture("info-master-7.0.15.txt"));
    expect(report.runId).to.equal("92719cb83424533b1023b0dc9a4ce47dd2d6afb2");
    expect(report.role).to.equal("master");
    expect(report.replicas).to.deep.equal([
      { ip: "127.0.0.1", port: 51983, online: true, lag: 0 },
      { ip: "127.0.0.1", port: 52283, online: true, lag: 0 },
    ]);
    expect(report.masterLinkDownTime).to.equal(0);
    expect(report.masterHost).to.equal(null);
    expect(report.slavePriority).to.equal(null);
  });

  it("reads a replica's master address, link status, priority, offset and announcement", () => {
    const report = parseInfo(fixture("info-replica-7.0.15.txt"));
    expect(report.runId).to.equal("ad3f475350922ba15b44dd69a485ce20fb0db0de");
    expect(report.role).to.equal("slave");
    expect(report.masterHost).to.equal("127.0.0.1");
    expect(report.masterPort).to.equal(38025);
    expect(report.masterLinkStatusUp).to.equal(true);
    expect(report.slavePriority).to.equal(50);
    expect(report.slaveReplOffset).to.equal(54n);
    expect(report.replicaAnnounced).to.equal(true);
    expect(report.masterLinkDownTime).to.equal(0);
    expect(report.replicas).to.deep.equal([]);
  });

  it("turns master_link_down_since_seconds into milliseconds when the link is down", () => {
    const report = parseInfo(fixture("info-replica-link-down-7.0.15.txt"));
    expect(report.masterLinkStatusUp).to.equal(false);
    expect(report.masterLinkDownTime).to.equal(2000);
  });

  it("reads replica_announced:0 and slave_priority:0", () => {
    const report = parseInfo(fixture("info-replica-unannounced-7.0.15.txt"));
    expect(report.replicaAnnounced).to.equal(false);
    expect(report.slavePriority).to.equal(0);
  });
});

describe("info-parser: slave lines", () => {
  it("reads the old `slave<N>:<ip>,<port>,<state>` form", () => {
    expect(parseReplicaLine("slave0:10.0.0.2,6380,online")).to.deep.equal({
      ip: "10.0.0.2",
      port: 6380,
      online: true,
      lag: null,
    });
  });

  it("ignores an old-form line without the comma after the port", () => {
    expect(parseReplicaLine("slave0:10.0.0.2,6380")).to.equal(null);
  });

  it("reads IPv6 addresses in the new form", () => {
    expect(parseReplicaLine("slave1:ip=::1,port=6381,state=online,offset=1,lag=0")).to.deep.equal({
      ip: "::1",
      port: 6381,
      online: true,
      lag: 0,
    });
  });

  it("reads a replica's state and lag (seconds since its last REPLCONF ACK)", () => {
    expect(
      parseReplicaLine("slave0:ip=10.0.0.2,port=6380,state=wait_bgsave,offset=0,lag=17"),
    ).to.deep.equal({
      ip: "10.0.0.2",
      port: 6380,
      online: false,
      lag: 17,
    });
    expect(parseReplicaLine("slave0:ip=10.0.0.2,port=6380,state=online,offset=0")).to.deep.equal({
      ip: "10.0.0.2",
      port: 6380,
      online: true,
      lag: null,
    });
    expect(parseReplicaLine("slave0:ip=10.0.0.2,port=6380,state=online,lag=-1")?.lag).to.equal(
      null,
    );
  });

  it("does not take slave_repl_offset or slave_priority for replica lines", () => {
    expect(parseReplicaLine("slave_repl_offset:54")).to.equal(null);
    expect(parseReplicaLine("slave_priority:100")).to.equal(null);
  });
});

describe("info-parser: Redis's line rules", () => {
  it("reads replication fields only after a role:slave line", () => {
    const report = parseInfo("master_host:10.9.9.9\r\nrole:slave\r\nmaster_port:7000\r\n");
    expect(report.masterHost).to.equal(null);
    expect(report.masterPort).to.equal(7000);
  });

  it("treats any master_link_status other than up as down, case-insensitively up", () => {
    expect(parseInfo("role:slave\r\nmaster_link_status:UP\r\n").masterLinkStatusUp).to.equal(true);
    expect(
      parseInfo("role:slave\r\nmaster_link_status:connecting\r\n").masterLinkStatusUp,
    ).to.equal(false);
  });

  it("ignores a run_id line shorter than 40 characters", () => {
    expect(parseInfo("run_id:abc\r\nrole:master\r\n").runId).to.equal(null);
  });

  it("reports no role when the text has none", () => {
    expect(parseInfo("# Server\r\nredis_version:7.0.15\r\n").role).to.equal(null);
  });

  it("accepts bare LF line ends", () => {
    expect(parseInfo("role:slave\nmaster_port:6379\n").masterPort).to.equal(6379);
  });
});
