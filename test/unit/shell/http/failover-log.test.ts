// Proves the failover records file: written atomically beside the config (no temp file left),
// read back at start, bounded to the last 100, and a damaged file reported, not fatal.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import {
  FailoverLog,
  MAX_RECORDS,
  failoverLogFile,
  readFailoverLog,
} from "../../../../src/shell/http/failover-log.js";
import type { FailoverRecord } from "../../../../src/shell/http/failover-tracker.js";

function record(id: number): FailoverRecord {
  return {
    id,
    master: "m",
    epoch: "9223372036854775807",
    leader: null,
    ledByUs: false,
    selectedReplica: null,
    from: null,
    to: null,
    result: "switched",
    started: "2026-12-06T12:00:00.000Z",
    ended: null,
    phases: [],
    aborts: [],
    excluded: [],
  };
}

describe("FailoverLog", () => {
  let dir = "";
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "vigil-failovers-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes the records beside the config and reads them back", async () => {
    const file = failoverLogFile(join(dir, "sentinel.conf"));
    expect(file).to.equal(join(dir, "sentinel.conf.failovers.json"));
    const log = new FailoverLog(file, [], () => undefined);
    log.put(record(1));
    log.put(record(2));
    const changed = { ...record(1), result: "not-elected" };
    log.put(changed);
    await log.flushed();
    expect(readdirSync(dir)).to.deep.equal(["sentinel.conf.failovers.json"]);
    const back = readFailoverLog(file);
    expect(back.error).to.equal(null);
    expect(back.records.map((r) => [r.id, r.result, r.epoch])).to.deep.equal([
      [1, "not-elected", "9223372036854775807"],
      [2, "switched", "9223372036854775807"],
    ]);
    expect(new FailoverLog(file, back.records, () => undefined).nextId).to.equal(3);
  });

  it("keeps the last 100", async () => {
    const file = join(dir, "f.json");
    const log = new FailoverLog(file, [], () => undefined);
    for (let id = 1; id <= MAX_RECORDS + 5; id++) log.put(record(id));
    await log.flushed();
    const ids = readFailoverLog(file).records.map((r) => r.id);
    expect(ids).to.have.length(MAX_RECORDS);
    expect(ids[0]).to.equal(6);
  });

  it("reports a damaged or missing file without failing", () => {
    const file = join(dir, "f.json");
    expect(readFailoverLog(file)).to.deep.equal({ records: [], error: null });
    writeFileSync(file, "{not json");
    const damaged = readFailoverLog(file);
    expect(damaged.records).to.deep.equal([]);
    expect(damaged.error).to.be.a("string");
    expect(existsSync(file)).to.equal(true);
  });

  it("reports a save that fails", async () => {
    const errors: string[] = [];
    const log = new FailoverLog(join(dir, "missing-dir", "f.json"), [], (m) => errors.push(m));
    log.put(record(1));
    await log.flushed();
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(/ENOENT/);
  });
});
