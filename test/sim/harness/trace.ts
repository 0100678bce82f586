/**
 * The simulation transcript: one line per event, `<virtual time> <node> <text>`. Sentinel run ids
 * are replaced by the sentinel's name (s1, s2, …) so traces read well and stay stable when the
 * way ids are drawn changes. Golden tests compare whole traces; failing swarm seeds print the tail.
 */

export interface TraceOptions {
  /** Keep only the last N lines (ring buffer); 0 = keep everything. */
  readonly keepLast: number;
  /** Record debug-level sentinel events too (link reconnections, script children). */
  readonly debugEvents: boolean;
}

export function formatTime(ms: number): string {
  const s = Math.floor(ms / 1000);
  const frac = String(Math.floor(ms) % 1000).padStart(3, "0");
  return `${String(s).padStart(5, " ")}.${frac}`;
}

export class Trace {
  private lines: string[] = [];
  private start = 0;
  private readonly aliases = new Map<string, string>();
  readonly options: TraceOptions;
  total = 0;

  constructor(options: Partial<TraceOptions> = {}) {
    this.options = { keepLast: options.keepLast ?? 0, debugEvents: options.debugEvents ?? false };
  }

  /** Every later occurrence of `id` is printed as `name`. */
  alias(id: string, name: string): void {
    if (id !== "") this.aliases.set(id, name);
  }

  /** `text` with every aliased id replaced by its name. */
  substitute(text: string): string {
    let body = text;
    for (const [id, name] of this.aliases) {
      if (body.includes(id)) body = body.split(id).join(name);
    }
    return body;
  }

  record(time: number, node: string, text: string): void {
    const line = `${formatTime(time)} ${node} ${this.substitute(text)}`;
    this.total++;
    const keep = this.options.keepLast;
    if (keep === 0 || this.lines.length < keep) {
      this.lines.push(line);
    } else {
      this.lines[this.start] = line;
      this.start = (this.start + 1) % keep;
    }
  }

  /** All kept lines in order. */
  all(): string[] {
    return [...this.lines.slice(this.start), ...this.lines.slice(0, this.start)];
  }

  tail(n: number): string[] {
    const all = this.all();
    return all.slice(Math.max(0, all.length - n));
  }

  text(): string {
    const all = this.all();
    return all.length === 0 ? "" : `${all.join("\n")}\n`;
  }
}
