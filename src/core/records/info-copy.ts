/**
 * The last INFO text of a master or replica (SENTINEL INFO-CACHE), kept as its UTF-8 bytes in a
 * buffer that the next reply overwrites. Kept as the reply's string, each text (a few KB, every
 * 10 s per instance) outlived the young generation and was promoted: at 1,000 masters the texts
 * of one INFO round (~10 MB) grew the old generation by a third before each full collection,
 * and that swing set the peak RSS (issue #18). Copied here, the string dies young and the copy
 * lives outside the JS heap, in the same place from one reply to the next.
 */
import type { InfoFields } from "../model/state.js";

type InfoCopy = Pick<InfoFields, "infoBytes" | "infoLength">;

const encoder = new TextEncoder();
/** Room for the next text to be a little longer (its counters grow) without a new buffer. */
const SLACK = 256;
/** At most this many UTF-8 bytes per UTF-16 unit of a string. */
const MAX_UTF8_PER_UNIT = 3;

/** Stores `text` as the instance's INFO copy, in its buffer when the text fits. */
export function keepInfoText(fields: InfoCopy, text: string): void {
  let bytes = fields.infoBytes;
  // An ASCII text takes one byte per unit: a buffer shorter than the string cannot hold it.
  if (bytes === null || bytes.length < text.length) bytes = new Uint8Array(text.length + SLACK);
  let result = encoder.encodeInto(text, bytes);
  if (result.read < text.length) {
    bytes = new Uint8Array(text.length * MAX_UTF8_PER_UNIT + SLACK);
    result = encoder.encodeInto(text, bytes);
  }
  fields.infoBytes = bytes;
  fields.infoLength = result.written;
}

/** The instance's last INFO text as bytes (a view of its buffer), or null before any. */
export function infoTextBytes(fields: InfoCopy): Uint8Array | null {
  return fields.infoBytes === null ? null : fields.infoBytes.subarray(0, fields.infoLength);
}
