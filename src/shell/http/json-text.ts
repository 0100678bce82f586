/**
 * JSON text with exact integers: a JsonNumber is written as its digits, so int64 values
 * (epochs, replica offsets) reach the client without the rounding a JS number would add
 * above 2^53 (docs/COMPATIBILITY.md: numbers are exact or refused).
 */
export class JsonNumber {
  readonly digits: string;
  constructor(digits: string | number | bigint) {
    this.digits = String(digits);
  }
}

export type JsonValue =
  string | number | boolean | null | JsonNumber | readonly JsonValue[] | JsonObject;

/** An interface, so that JsonValue may refer to itself. */
export interface JsonObject {
  readonly [key: string]: JsonValue;
}

export function jsonText(value: JsonValue): string {
  if (value instanceof JsonNumber) return value.digits;
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v: JsonValue) => jsonText(v)).join(",")}]`;
  const parts: string[] = [];
  for (const [key, v] of Object.entries(value as JsonObject)) {
    parts.push(`${JSON.stringify(key)}:${jsonText(v)}`);
  }
  return `{${parts.join(",")}}`;
}
