/**
 * The values a command handler replies with. The encoder renders them for RESP2 or RESP3
 * (maps as flat arrays, pushes as arrays, nulls as `$-1`/`*-1` in RESP2).
 */
export type Reply =
  | { readonly type: "simple"; readonly value: string }
  | { readonly type: "error"; readonly value: string }
  | { readonly type: "integer"; readonly value: number | bigint }
  | { readonly type: "bulk"; readonly value: string | Uint8Array }
  /** RESP2 `$-1`, RESP3 `_`. */
  | { readonly type: "null" }
  /** RESP2 `*-1`, RESP3 `_`. */
  | { readonly type: "null-array" }
  | { readonly type: "double"; readonly value: number }
  | { readonly type: "array"; readonly items: readonly Reply[] }
  /** RESP3 `%`, RESP2 flat array of key, value, key, value… */
  | { readonly type: "map"; readonly entries: readonly (readonly [Reply, Reply])[] }
  /** A map whose keys and values are all bulk strings, kept as the pairs themselves. */
  | { readonly type: "bulk-map"; readonly pairs: readonly (readonly [string, string])[] }
  /** RESP3 `>`, RESP2 array. */
  | { readonly type: "push"; readonly items: readonly Reply[] }
  /** RESP3 `~` (COMMAND flags, ACL GETUSER flags), RESP2 array. */
  | { readonly type: "set"; readonly items: readonly Reply[] }
  /** RESP3 `=` verbatim string with a 3-letter format (CLIENT INFO/LIST use `txt`), RESP2 bulk. */
  | { readonly type: "verbatim"; readonly format: string; readonly value: string }
  /** Pre-encoded bytes written as they are (e.g. a cached reply). */
  | { readonly type: "raw"; readonly bytes: Uint8Array };

export const R = {
  ok: (): Reply => ({ type: "simple", value: "OK" }),
  simple: (value: string): Reply => ({ type: "simple", value }),
  error: (value: string): Reply => ({ type: "error", value }),
  integer: (value: number | bigint): Reply => ({ type: "integer", value }),
  bulk: (value: string | Uint8Array): Reply => ({ type: "bulk", value }),
  null: (): Reply => ({ type: "null" }),
  nullArray: (): Reply => ({ type: "null-array" }),
  array: (items: readonly Reply[]): Reply => ({ type: "array", items }),
  /**
   * A map whose keys and values are all bulk strings (SENTINEL MASTER and friends). The pairs
   * are encoded as they are: a Reply object per field made these replies mostly allocation.
   */
  bulkMap: (pairs: readonly (readonly [string, string])[]): Reply => ({ type: "bulk-map", pairs }),
  map: (entries: readonly (readonly [Reply, Reply])[]): Reply => ({ type: "map", entries }),
  push: (items: readonly Reply[]): Reply => ({ type: "push", items }),
  set: (items: readonly Reply[]): Reply => ({ type: "set", items }),
  verbatim: (value: string, format = "txt"): Reply => ({ type: "verbatim", format, value }),
  double: (value: number): Reply => ({ type: "double", value }),
} as const;
