/**
 * The data file format of test/sim/scenarios/*.txt (after etcd-io/raft's testdata, read for the
 * idea): commands, each optionally followed by `----` and the output it must print, up to the
 * next blank line. Lines starting with `#` and blank lines are kept as they are. A command with no
 * `----` block must print nothing. Rewriting keeps every comment and command and replaces only the
 * output blocks with what a run printed, so expectations come from a run and are then reviewed.
 *
 *   # The master dies.
 *   kill r1.0
 *   run-until switched mymaster within=30s
 *   ----
 *   ok
 */

export interface DataCase {
  /** 1-based line of the command in the file. */
  readonly line: number;
  readonly command: string;
  /** The output block's text ("" when the command has no block). */
  readonly expected: string;
}

export type DataItem =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "case"; readonly case: DataCase };

export const SEPARATOR = "----";

export function parseDataFile(text: string): DataItem[] {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const items: DataItem[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? "";
    if (line.trim() === "" || line.startsWith("#")) {
      items.push({ kind: "text", text: line });
      i++;
      continue;
    }
    if (line === SEPARATOR) throw new Error(`line ${i + 1}: ${SEPARATOR} without a command`);
    const start = i;
    const output: string[] = [];
    i++;
    if (lines[i] === SEPARATOR) {
      i++;
      while (i < lines.length && (lines[i] ?? "").trim() !== "") output.push(lines[i++] ?? "");
    }
    items.push({
      kind: "case",
      case: { line: start + 1, command: line, expected: output.join("\n") },
    });
  }
  return items;
}

/** The file again, with each command's output block replaced by `actual(case)`. */
export function renderDataFile(
  items: readonly DataItem[],
  actual: (c: DataCase) => string,
): string {
  const out: string[] = [];
  items.forEach((item, index) => {
    if (item.kind === "text") {
      out.push(item.text);
      return;
    }
    out.push(item.case.command);
    const output = actual(item.case);
    if (output === "") return;
    out.push(SEPARATOR, ...output.split("\n"));
    // An output block ends at a blank line: add one when the next command follows directly.
    if (items[index + 1]?.kind === "case") out.push("");
  });
  return `${out.join("\n")}\n`;
}
