/**
 * CLIENT PAUSE's server-wide state and the connections it holds (networking.c: pauseClients,
 * unpauseClients, blockPostponeClient). A held connection keeps reading into its parser but runs
 * nothing until the pause ends; then every held connection runs its held request again, checks
 * and all, and the requests behind it, in the order the connections were held. The sentinel's
 * own links are outgoing connections, which no pause touches (Redis's are hiredis contexts, not
 * server clients, either).
 *
 * Redis ends a pause at its next cron after the end time (up to ~100 ms late in a sentinel);
 * this one ends it at the end time.
 */
import type { ClientPause, PauseMode } from "../commands/context.js";
import { PAUSE_NONE } from "../commands/context.js";

/** A connection that can be held: `release` runs its held request and what follows. */
export interface Holdable {
  release(): void;
}

const INT64_MAX = 2n ** 63n - 1n;
/** setTimeout's longest delay; a longer pause re-arms on the way. */
const MAX_DELAY = 2 ** 31 - 1;

export class ServerPause implements ClientPause {
  mode: PauseMode = PAUSE_NONE;
  /** Wall-clock ms the pause ends at (Redis: client_pause_end_time, mstime()). */
  private endsAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly held = new Set<Holdable>();

  private readonly now: () => number;

  /** `now`: the wall clock in ms, as Redis's mstime(). */
  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  get heldCount(): number {
    return this.held.size;
  }

  pause(timeoutMs: bigint, mode: PauseMode): void {
    if (mode > this.mode) this.mode = mode;
    const now = this.now();
    // 7.0.15 adds the timeout to mstime() in a long long: past INT64_MAX it wraps negative.
    const sum = BigInt(now) + timeoutMs;
    const end = sum > INT64_MAX ? -1 : Number(sum);
    if (end > this.endsAt) this.endsAt = end;
    if (this.endsAt <= now) this.unpause();
    else this.arm(now);
  }

  unpause(): void {
    this.mode = PAUSE_NONE;
    this.endsAt = 0;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const held = [...this.held];
    this.held.clear();
    // A released request may pause again (CLIENT PAUSE held behind an ALL): the ones after it
    // are then held again, as Redis's reprocessing holds them.
    for (const connection of held) connection.release();
  }

  /** Called by a connection whose request executeCommand answered HELD. */
  hold(connection: Holdable): void {
    this.held.add(connection);
  }

  /** A held connection that closed. */
  forget(connection: Holdable): void {
    this.held.delete(connection);
  }

  /** Stops the timer (server close); held connections are being closed with it. */
  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(now: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        this.expire();
      },
      Math.min(this.endsAt - now, MAX_DELAY),
    );
    this.timer.unref();
  }

  private expire(): void {
    this.timer = undefined;
    const now = this.now();
    if (now >= this.endsAt) this.unpause();
    else this.arm(now);
  }
}
