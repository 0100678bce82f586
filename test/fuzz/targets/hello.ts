// Hello messages (core/hello.ts): parseHello on random and mutated payloads, and the core
// handling them from a master link, a replica link, a peer's link or a PUBLISH to us. Properties:
// no exception; a parsed hello has 8 fields and epochs within [0, 2^63-1]; the core's invariants
// (targets/core-driver.ts) hold after the hello and a few ticks.
import { parseHello } from "../../../src/core/monitor/hello.js";
import type { Ready } from "../../../src/core/model/ready.js";
import { PEER_A } from "../../unit/core/core-driver.js";
import type { Rng } from "../rng.js";
import type { FuzzTarget } from "../runner.js";
import { violation } from "../runner.js";
import { MASTER, checkCore, watchingCore } from "./core-driver.js";

const RUN_ID = "6ec6f75692b863ec39d0b32118926528fe8f1435";

export const HELLO_CORPUS: readonly Buffer[] = [
  `127.0.0.1,26380,${PEER_A},5,${MASTER},127.0.0.1,6379,3`,
  `127.0.0.1,26390,${RUN_ID},6,${MASTER},127.0.0.1,6380,6`,
  `127.0.0.1,26380,${PEER_A},9223372036854775807,${MASTER},127.0.0.1,6381,9223372036854775807`,
  `::1,26391,${RUN_ID},7,${MASTER},::1,6379,7`,
  `localhost,26392,${RUN_ID},7,${MASTER},localhost,6390,8`,
  `10.0.0.9,26379,${RUN_ID},0,other,10.0.0.1,6379,0`,
  `127.0.0.1,0,${RUN_ID},8,${MASTER},127.0.0.1,0,9`,
].map((s) => Buffer.from(s));

const DICTIONARY = [
  ",",
  RUN_ID,
  PEER_A,
  MASTER,
  "127.0.0.1",
  "::1",
  "localhost",
  "-1",
  "",
  "\u00e9",
  " ",
].map((s) => Buffer.from(s));

const EPOCH_MAX = 2n ** 63n - 1n;

function checkParsed(payload: string): void {
  const h = parseHello(payload);
  if (h === null) return;
  if (payload.split(",").length !== 8) violation("a hello parsed from other than 8 fields");
  for (const e of [h.currentEpoch, h.masterConfigEpoch]) {
    if (e < 0n || e > EPOCH_MAX) violation(`epoch ${e} out of range`);
  }
  if (!Number.isInteger(h.port) || !Number.isInteger(h.masterPort))
    violation("a port that is not an integer");
}

export const helloTarget: FuzzTarget = {
  name: "hello",
  description:
    "hello parser and the core's hello handling: no exception, epochs in range, core invariants",
  ciInputs: 5_000,
  corpus: HELLO_CORPUS,
  dictionary: DICTIONARY,
  maxLength: 4096,
  check(input: Buffer, rng: Rng): void {
    const payload = input.toString("utf8");
    checkParsed(payload);
    const d = watchingCore(rng);
    const before = d.state.currentEpoch;
    const via = rng.pick([
      `master:${MASTER}`,
      `slave:${MASTER}:127.0.0.1:6380`,
      `sentinel:${PEER_A}`,
      null,
    ]);
    d.step({ type: "hello-received", via, payload });
    const readies: Ready[] = [d.take()];
    for (let i = 0; i < 3; i++) readies.push(d.tick(rng.range(1, 1500)));
    checkCore(d, readies, before);
  },
};
