/**
 * The failover records of GET /v1/failovers, kept across restarts in `<config>.failovers.json`
 * beside the config: the last 100, rewritten whole when one changes, atomically as the config
 * is (config-store.ts: a temp file, fsync, rename, fsync of the directory) but with
 * asynchronous calls, so a save never holds the sentinel's loop. Saves are serialized and
 * coalesced: a change during a save is written by one more save after it.
 */
import { readFileSync } from "node:fs";
import { open, rename, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { randomHex } from "../entropy.js";
import type { FailoverRecord } from "./failover-tracker.js";

export const MAX_RECORDS = 100;

export function failoverLogFile(configFile: string): string {
  return `${configFile}.failovers.json`;
}

function isRecord(value: unknown): value is FailoverRecord {
  if (typeof value !== "object" || value === null) return false;
  const r = value as Record<string, unknown>;
  return typeof r["id"] === "number" && typeof r["master"] === "string";
}

/** The records of a file; none when it is missing or not ours (reported, never fatal). */
export function readFailoverLog(file: string): { records: FailoverRecord[]; error: string | null } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as { code?: unknown }).code === "ENOENT") return { records: [], error: null };
    return { records: [], error: e instanceof Error ? e.message : String(e) };
  }
  try {
    const parsed: unknown = JSON.parse(text);
    const list = (parsed as { failovers?: unknown } | null)?.failovers;
    if (!Array.isArray(list)) return { records: [], error: "no failovers list" };
    return { records: list.filter(isRecord).slice(-MAX_RECORDS), error: null };
  } catch (e) {
    return { records: [], error: e instanceof Error ? e.message : String(e) };
  }
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.${randomHex(6)}`;
  try {
    const handle = await open(tmp, "wx", 0o644);
    try {
      await handle.writeFile(text, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  const dir = await open(dirname(file), "r");
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

export class FailoverLog {
  readonly file: string;
  private records: FailoverRecord[];
  private saving: Promise<void> | null = null;
  private dirty = false;
  private readonly onError: (message: string) => void;

  constructor(file: string, records: FailoverRecord[], onError: (message: string) => void) {
    this.file = file;
    this.records = records.slice(-MAX_RECORDS);
    this.onError = onError;
  }

  /** The id the next new record takes. */
  get nextId(): number {
    return (this.records.at(-1)?.id ?? 0) + 1;
  }

  list(): readonly FailoverRecord[] {
    return this.records;
  }

  /** Adds or replaces (same id) a record, and saves the file. */
  put(record: FailoverRecord): void {
    const at = this.records.findIndex((r) => r.id === record.id);
    const copy = structuredClone(record);
    if (at === -1) this.records.push(copy);
    else this.records[at] = copy;
    if (this.records.length > MAX_RECORDS) this.records = this.records.slice(-MAX_RECORDS);
    this.save();
  }

  /** Resolves once everything put so far is on disk (or failed and was reported). */
  async flushed(): Promise<void> {
    while (this.saving !== null) await this.saving;
  }

  private save(): void {
    if (this.saving !== null) {
      this.dirty = true;
      return;
    }
    const text = `${JSON.stringify({ failovers: this.records }, null, 1)}\n`;
    this.saving = writeAtomically(this.file, text)
      .catch((e: unknown) => {
        this.onError(e instanceof Error ? e.message : String(e));
      })
      .finally(() => {
        this.saving = null;
        if (this.dirty) {
          this.dirty = false;
          this.save();
        }
      });
  }
}
