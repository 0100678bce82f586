/**
 * The quiet gate's fields on every record (gate/quiet-gate.ts reads and sets them). They are
 * declared beside the state so that the state does not import the gate that works on it.
 */
/** The gate fields of every record (initialised by quietFields). */
export interface QuietFields {
  /** Handling is idle before this monotonic time; 0 = handle at every tick. */
  quietUntil: number;
  /** state.gateClock when quietUntil was computed; older than a reset = void. */
  quietStamp: number;
}

/**
 * The gate fields of a master: when its group was last invalidated, and the group's own gate
 * (quiet-gate.ts: isGroupQuiet), set by the tick after it found every record of the group quiet.
 */
export interface QuietGroupFields {
  groupReset: number;
  /** Every record of the group is quiet before this time; 0 = walk the group. */
  groupQuietUntil: number;
  /** state.gateClock when groupQuietUntil was set; older than a reset = void. */
  groupStamp: number;
}

export function quietGroupFields(): QuietGroupFields {
  return { groupReset: 0, groupQuietUntil: 0, groupStamp: -1 };
}

export function quietFields(): QuietFields {
  return { quietUntil: 0, quietStamp: -1 };
}
