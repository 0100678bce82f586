// Proves the order rules of a turn's batch (src/shell/urgent-batch.ts): urgent inputs go first
// unless a routine input of their own connection, or an earlier client request, is ahead of
// them; ticks always stay with the routine batch; a queue of only one kind is one batch.
import { expect } from "chai";
import type { Input } from "../../../src/core/model/inputs.js";
import { takeBatch } from "../../../src/shell/urgent-batch.js";

const pong = (link: string): Input => ({
  type: "ping-reply",
  link,
  reply: { kind: "ok", text: "PONG" },
});
const done = (link: string): Input => ({ type: "command-done", link });
const ask = (requestId: number): Input => ({
  type: "is-master-down-request",
  requestId,
  ip: "10.0.0.1",
  port: 6379,
  epoch: 1n,
  runId: "*",
});

describe("urgent-batch: takeBatch", () => {
  const urgentLinks = new Set(["slave:f:r"]);
  const urgent = (input: Input): boolean =>
    input.type === "is-master-down-request" || ("link" in input && urgentLinks.has(input.link));

  it("takes the urgent inputs first and leaves the rest queued in order", () => {
    const queue: Input[] = [
      pong("master:a"),
      { type: "tick", wallNow: 1 },
      done("slave:f:r"),
      ask(1),
      pong("master:b"),
    ];
    const first = takeBatch(queue, urgent);
    expect(first).to.deep.equal([done("slave:f:r"), ask(1)]);
    expect(queue).to.deep.equal([pong("master:a"), { type: "tick", wallNow: 1 }, pong("master:b")]);
    expect(takeBatch(queue, urgent)).to.have.length(3);
    expect(queue).to.have.length(0);
  });

  it("keeps an urgent input behind a routine input of its own connection", () => {
    // The SLAVEOF transaction's reply is routine here (its master not failing yet), the INFO
    // after it urgent: the INFO may not overtake it.
    const routineFirst = (input: Input): boolean => input.type === "info-reply";
    const info: Input = { type: "info-reply", link: "slave:f:r", reply: { kind: "ok", text: "" } };
    const queue: Input[] = [done("slave:f:r"), info, pong("master:a")];
    expect(takeBatch(queue, routineFirst)).to.have.length(3);
  });

  it("keeps a client's request behind an earlier admin request", () => {
    const admin: Input = { type: "admin", requestId: 1, op: { op: "reset", pattern: "*" } };
    const queue: Input[] = [pong("master:a"), admin, ask(2), done("slave:f:r")];
    expect(takeBatch(queue, urgent)).to.deep.equal([done("slave:f:r")]);
    expect(queue).to.deep.equal([pong("master:a"), admin, ask(2)]);
  });

  it("lets nothing overtake a failed save's persist-failed", () => {
    const failed: Input = { type: "persist-failed", error: "ENOSPC" };
    const queue: Input[] = [failed, pong("master:a"), ask(2)];
    expect(takeBatch(queue, urgent)).to.have.length(3);
  });

  it("takes the whole queue when nothing or everything is urgent", () => {
    const none: Input[] = [pong("master:a"), pong("master:b")];
    expect(takeBatch(none, urgent)).to.have.length(2);
    const all: Input[] = [ask(1), done("slave:f:r")];
    expect(takeBatch(all, urgent)).to.have.length(2);
    expect(all).to.have.length(0);
  });
});
