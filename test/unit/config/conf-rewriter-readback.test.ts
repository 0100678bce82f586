// Proves the rewriter reads its own last output back without parsing it (conf-rewriter.ts:
// lastWritten; at ten thousand masters the parse was 55–110 ms of each of a failover's three
// saves), and that what it reads back is what a parse gives: a rewrite from the remembered
// text writes the same bytes as one from a fresh parse of that text.
import { expect } from "chai";
import { parseConf } from "../../../src/config/conf-parser.js";
import { rewriteConf, rewriteFileParses } from "../../../src/config/conf-rewriter.js";
import { confToConfig } from "../../../src/config/conf-to-config.js";
import type { MasterConfig, SentinelConfig } from "../../../src/core/model/config.js";

const ID = "0123456789abcdef0123456789abcdef01234567";
const PEER = "b".repeat(40);

/** Comments, blank runs, an unknown and an unbalanced line, aliases, quoting, ACL users. */
const ORIGINAL = [
  "# my sentinel",
  "port 26380",
  "",
  "",
  "  daemonize no  ",
  "frobnicate 1",
  'bind "127.0.0.1',
  "user alice on nopass ~* +@all",
  "sentinel monitor m1 10.0.0.1 6379 2",
  "sentinel known-slave m1 10.0.0.2 6379",
  "sentinel down-after-milliseconds m1 5000",
  "sentinel monitor m2 10.0.0.5 6379 1",
  'sentinel auth-pass m1 "p w"',
  "sentinel current-epoch 3",
  "",
].join("\n");

/** What the loader accepts of it (it refuses the unknown and the unbalanced line). */
const LOADED = confToConfig(
  parseConf(ORIGINAL.replace("frobnicate 1\n", "").replace('bind "127.0.0.1\n', ""), "s.conf"),
  { isExecutable: () => true },
);
const server = LOADED.server;

/** The loaded state moved on: epochs, a peer, a replica gone, a master removed. */
function stateAt(step: number): SentinelConfig {
  const loaded = LOADED.sentinel;
  const masters = loaded.masters.map((m) => ({
    ...m,
    configEpoch: BigInt(step),
    knownReplicas: step % 2 === 0 ? m.knownReplicas : [],
    knownSentinels: [{ addr: { ip: "10.0.0.9", port: 26379 + step }, runId: PEER }],
  }));
  return {
    ...loaded,
    myId: ID,
    currentEpoch: BigInt(3 + step),
    masters: step === 3 ? masters.slice(0, 1) : masters,
  };
}

/** Rewrites `text` as from a fresh parse: another text rewritten in between is remembered. */
function cold(text: string, state: SentinelConfig): string {
  rewriteConf("port 1\n", server, state);
  return rewriteConf(text, server, state);
}

describe("config rewriter: reading back its own output", () => {
  it("rewrites from its last output without parsing it again", () => {
    const first = rewriteConf(ORIGINAL, server, stateAt(1));
    const parses = rewriteFileParses();
    rewriteConf(first, server, stateAt(2));
    expect(rewriteFileParses()).to.equal(parses);
  });

  it("writes what a fresh parse of that output would, save after save", () => {
    let text = ORIGINAL;
    for (let step = 1; step <= 4; step++) {
      const warm = rewriteConf(text, server, stateAt(step));
      // The next save starts from `warm` remembered; its twin starts from `warm` parsed.
      const next = rewriteConf(warm, server, stateAt(step + 1));
      expect(cold(warm, stateAt(step + 1))).to.equal(next);
      text = warm;
    }
  });

  it("parses a file that is not its last output", () => {
    const first = rewriteConf(ORIGINAL, server, stateAt(1));
    const parses = rewriteFileParses();
    const edited = `${first}# edited by hand\n`;
    expect(rewriteConf(edited, server, stateAt(1))).to.include("# edited by hand\n");
    expect(rewriteFileParses()).to.equal(parses + 1);
  });
});

describe("rewriteConf: each master's lines rendered once per config object", () => {
  /** The same state in new objects: every master is rendered again. */
  const copies = (state: SentinelConfig): SentinelConfig => ({
    ...state,
    masters: state.masters.map((m) => ({ ...m })),
  });

  /**
   * `m` behind a proxy that counts the reads of its fields: rendering a master reads them, a
   * render cached by the config object (a WeakMap lookup) reads none.
   */
  const watched = (m: MasterConfig): { config: MasterConfig; reads: () => number } => {
    let reads = 0;
    const config = new Proxy(m, {
      get(target, key) {
        reads++;
        return Reflect.get(target, key) as unknown;
      },
    });
    return { config, reads: () => reads };
  };

  it("renders only the masters whose config is a new object, writing what a full render writes", () => {
    const state = stateAt(2);
    const [m1, m2] = state.masters.map(watched);
    const watchedState: SentinelConfig = { ...state, masters: [m1!.config, m2!.config] };
    const first = rewriteConf(ORIGINAL, server, watchedState);
    const before = [m1!.reads(), m2!.reads()];
    expect(Math.min(...before)).to.be.above(0);
    // The same objects (snapshotState hands out an unchanged master's config again): no render.
    const again = rewriteConf(first, server, watchedState);
    expect([m1!.reads(), m2!.reads()]).to.deep.equal(before);
    expect(again).to.equal(cold(first, copies(state)));
    // One master changed: that one only, and the text is a full render's of the same state.
    const changed = watched({ ...state.masters[1]!, leaderEpoch: 7n });
    const kept = m1!.reads();
    const text = rewriteConf(again, server, { ...state, masters: [m1!.config, changed.config] });
    expect(m1!.reads()).to.equal(kept);
    expect(changed.reads()).to.be.above(0);
    expect(text).to.include("sentinel leader-epoch m2 7\n");
    const next = {
      ...state,
      masters: [state.masters[0]!, { ...state.masters[1]!, leaderEpoch: 7n }],
    };
    expect(cold(again, copies(next))).to.equal(text);
  });
});
