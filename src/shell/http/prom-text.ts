/**
 * The Prometheus text format (version 0.0.4), written by hand for the families that have a
 * sample per master or per link (master-families.ts): the same bytes prom-client's Registry
 * writes for them (its lib/registry.js and lib/util.js: escaping, numbers, the HELP and TYPE
 * lines, samples one per line), without a label object, a label hash and an escape per sample
 * at every scrape. test/unit/shell/http/prom-text.test.ts holds both to the same output.
 */

/** HELP text and metric names: backslash and newline escaped. */
export function escapeText(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/** Label values: as escapeText, and the double quote too. */
export function escapeLabelValue(value: string): string {
  return escapeText(value).replace(/"/g, '\\"');
}

/** `name="value"`, the value escaped. */
export function labelPair(name: string, value: string): string {
  return `${name}="${escapeLabelValue(value)}"`;
}

/** A sample's value as prom-client writes it ("Nan", "+Inf", "-Inf", else JavaScript's). */
export function valueText(value: number): string {
  if (Number.isNaN(value)) return "Nan";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return `${value}`;
}

/** The HELP and TYPE lines that open a family; its samples follow, each after a "\n". */
export function familyHeader(name: string, help: string, type: string): string {
  const escaped = escapeText(name);
  return `# HELP ${escaped} ${escapeText(help)}\n# TYPE ${escaped} ${type}`;
}
