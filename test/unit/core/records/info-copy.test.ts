// Proves the INFO copy (core/records/info-copy.ts): the text comes back byte for byte as UTF-8,
// the next reply of about the same length overwrites the same buffer (no new allocation per
// reply: issue #18's peak RSS at 1,000 masters), and a longer or non-ASCII text gets a buffer
// that holds it.
import { expect } from "chai";
import { infoTextBytes, keepInfoText } from "../../../../src/core/records/info-copy.js";

function fresh(): { infoBytes: Uint8Array | null; infoLength: number } {
  return { infoBytes: null, infoLength: 0 };
}

const text = (bytes: Uint8Array | null): string | null =>
  bytes === null ? null : Buffer.from(bytes).toString("utf8");

describe("info-copy: the last INFO text kept as bytes", () => {
  it("answers null before any text, then the text itself", () => {
    const f = fresh();
    expect(infoTextBytes(f)).to.equal(null);
    keepInfoText(f, "# Server\r\nrun_id:abc\r\n");
    expect(text(infoTextBytes(f))).to.equal("# Server\r\nrun_id:abc\r\n");
  });

  it("writes the next text of about the same length into the same buffer", () => {
    const f = fresh();
    keepInfoText(f, `# Replication\r\nrole:master\r\nmaster_repl_offset:${"9".repeat(10)}\r\n`);
    const first = f.infoBytes;
    keepInfoText(f, `# Replication\r\nrole:master\r\nmaster_repl_offset:${"1".repeat(12)}\r\n`);
    expect(f.infoBytes).to.equal(first);
    keepInfoText(f, "role:slave\r\n");
    expect(f.infoBytes).to.equal(first);
    expect(text(infoTextBytes(f))).to.equal("role:slave\r\n");
  });

  it("takes a larger buffer for a longer text", () => {
    const f = fresh();
    keepInfoText(f, "role:master\r\n");
    const long = `role:master\r\n${"slave0:ip=10.0.0.2,port=6379,state=online\r\n".repeat(40)}`;
    keepInfoText(f, long);
    expect(text(infoTextBytes(f))).to.equal(long);
  });

  it("keeps a text that is not ASCII as its UTF-8 bytes", () => {
    const f = fresh();
    keepInfoText(f, "role:master\r\n");
    const wide = `executable:/opt/ré∂is/${"€".repeat(200)}\r\n`;
    keepInfoText(f, wide);
    expect(Buffer.from(infoTextBytes(f) ?? [])).to.deep.equal(Buffer.from(wide, "utf8"));
  });
});
