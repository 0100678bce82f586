// Proves the link lookup returns exactly what a scan of every record returns while records come
// and go: a master or replica link's cached user is dropped once the record was removed or
// replaced, peer links shared by several masters return all their users, and the first user
// found without a scan is the scan's first.
import { expect } from "chai";
import { firstLinkUser, linkUsers } from "../../../../src/core/records/link-users.js";
import type { MasterState, ReplicaState } from "../../../../src/core/model/state.js";
import { Driver, masterConfig, sentinelConfig } from "../core-driver.js";

const R = "slave:mymaster:10.0.0.2:6379";

function driver(): Driver {
  return new Driver(
    sentinelConfig([
      masterConfig("mymaster", "10.0.0.1", 6379, {
        knownReplicas: [{ ip: "10.0.0.2", port: 6379 }],
      }),
      masterConfig("other", "10.0.0.9", 6379, {
        knownSentinels: [{ addr: { ip: "10.0.0.5", port: 26379 }, runId: "a".repeat(40) }],
      }),
    ]),
  );
}

describe("link users", () => {
  it("finds a master's and a replica's record, again on a second lookup", () => {
    const d = driver();
    const m = d.master();
    for (let i = 0; i < 2; i++) {
      expect(linkUsers(d.state, "master:mymaster").map((u) => u.instance)).to.deep.equal([m]);
      const users = linkUsers(d.state, R);
      expect(users).to.have.length(1);
      expect(users[0]?.instance).to.equal(m.replicas.get("10.0.0.2:6379"));
    }
  });

  it("forgets a replica that was removed and finds the record that replaced it", () => {
    const d = driver();
    const m = d.master();
    const old = m.replicas.get("10.0.0.2:6379");
    if (old === undefined) throw new Error("no replica");
    expect(linkUsers(d.state, R)[0]?.instance).to.equal(old);
    m.replicas.delete(old.name);
    expect(linkUsers(d.state, R)).to.deep.equal([]);
    const replacement: ReplicaState = { ...old, flags: new Set() };
    m.replicas.set(replacement.name, replacement);
    expect(linkUsers(d.state, R)[0]?.instance).to.equal(replacement);
  });

  it("forgets a master that was removed", () => {
    const d = driver();
    expect(linkUsers(d.state, "master:other")).to.have.length(1);
    d.state.masters.delete("other");
    expect(linkUsers(d.state, "master:other")).to.deep.equal([]);
  });

  it("returns every master's record of a shared peer link", () => {
    const d = driver();
    const other = d.master("other");
    const peer = [...other.sentinels.values()][0];
    if (peer === undefined) throw new Error("no peer");
    d.master().sentinels.set(peer.runId, { ...peer });
    const users = linkUsers(d.state, peer.link.id);
    expect(users.map((u) => u.master.name).sort()).to.deep.equal(["mymaster", "other"]);
  });

  it("finds the first user of every kind of link as the scan does, and none once removed", () => {
    const d = driver();
    const other = d.master("other");
    const peer = [...other.sentinels.values()][0];
    if (peer === undefined) throw new Error("no peer");
    // Known under both masters: "mymaster" comes first in the table.
    d.master().sentinels.set(peer.runId, { ...peer });
    for (const id of ["master:mymaster", R, "master:other", peer.link.id, "slave:none:1.2.3.4:1"]) {
      expect(firstLinkUser(d.state, id)).to.deep.equal(linkUsers(d.state, id)[0]);
    }
    expect(firstLinkUser(d.state, peer.link.id)?.master.name).to.equal("mymaster");
    d.master().sentinels.delete(peer.runId);
    expect(firstLinkUser(d.state, peer.link.id)?.master.name).to.equal("other");
    other.sentinels.delete(peer.runId);
    expect(firstLinkUser(d.state, peer.link.id)).to.equal(undefined);
  });

  it("finds a master's or replica's record without walking the masters, as a scan would", () => {
    const d = driver();
    const m = d.master();
    /** The masters' table, counting the walks over it. */
    class CountingMap extends Map<string, MasterState> {
      walks = 0;
      override values(): MapIterator<MasterState> {
        this.walks++;
        return super.values();
      }
    }
    const masters = new CountingMap(d.state.masters);
    d.state.masters = masters;
    expect(linkUsers(d.state, R)[0]?.instance).to.equal(m.replicas.get("10.0.0.2:6379"));
    expect(linkUsers(d.state, "master:other")[0]?.instance).to.equal(d.master("other"));
    expect(linkUsers(d.state, "slave:mymaster:10.0.0.3:6379")).to.deep.equal([]);
    expect(masters.walks).to.equal(0);
  });

  it("finds the replica of a master whose name holds ':'", () => {
    const d = new Driver(
      sentinelConfig([
        masterConfig("a:b", "10.0.0.1", 6379, { knownReplicas: [{ ip: "10.0.0.2", port: 6379 }] }),
        masterConfig("a", "10.0.0.7", 6379, { knownReplicas: [{ ip: "10.0.0.8", port: 6379 }] }),
      ]),
    );
    const id = "slave:a:b:10.0.0.2:6379";
    expect(linkUsers(d.state, id)[0]?.instance).to.equal(
      d.master("a:b").replicas.get("10.0.0.2:6379"),
    );
    expect(linkUsers(d.state, "slave:a:10.0.0.8:6379")[0]?.master.name).to.equal("a");
  });
});
