/**
 * A cumulative histogram of event-loop lateness samples, in the shape Prometheus uses: a count
 * per upper bound (`le`), never reset, plus the total and the sum. Two snapshots taken at any
 * two moments give the distribution between them by subtraction, so a reader (bench/scale.ts,
 * a metrics scraper) measures exactly its own window, whatever the process did before.
 */

/** Upper bounds in ms; a last, implicit bucket holds everything above (`+Inf`). */
export const LAG_BOUNDS_MS: readonly number[] = [
  1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 150, 200, 300, 500, 1000, 2000,
  5000,
];

/** Cumulative counts: `le[i]` samples ≤ LAG_BOUNDS_MS[i]; `count` is every sample (+Inf). */
export interface LagSnapshot {
  readonly le: readonly number[];
  readonly count: number;
  readonly sumMs: number;
}

export class LagHistogram {
  /** Per-bucket (not cumulative) counts; the last one is +Inf. */
  private readonly buckets = new Float64Array(LAG_BOUNDS_MS.length + 1);
  private count = 0;
  private sumMs = 0;

  record(lateMs: number): void {
    const value = lateMs > 0 ? lateMs : 0;
    let i = 0;
    while (i < LAG_BOUNDS_MS.length && value > (LAG_BOUNDS_MS[i] ?? Infinity)) i++;
    this.buckets[i] = (this.buckets[i] ?? 0) + 1;
    this.count++;
    this.sumMs += value;
  }

  snapshot(): LagSnapshot {
    const le: number[] = [];
    let running = 0;
    for (let i = 0; i < LAG_BOUNDS_MS.length; i++) {
      running += this.buckets[i] ?? 0;
      le.push(running);
    }
    return { le, count: this.count, sumMs: this.sumMs };
  }
}

/** The samples recorded after `before` and up to `after`. */
export function lagBetween(before: LagSnapshot, after: LagSnapshot): LagSnapshot {
  return {
    le: after.le.map((v, i) => v - (before.le[i] ?? 0)),
    count: after.count - before.count,
    sumMs: after.sumMs - before.sumMs,
  };
}

/**
 * The q-quantile (0 < q ≤ 1) in ms, interpolated linearly inside its bucket as Prometheus's
 * histogram_quantile does; 0 with no samples. A quantile in the +Inf bucket reads as the
 * highest finite bound (the histogram knows no more than "above it").
 */
export function lagQuantile(snapshot: LagSnapshot, q: number): number {
  if (snapshot.count <= 0) return 0;
  const rank = q * snapshot.count;
  let lowerBound = 0;
  let lowerCount = 0;
  for (let i = 0; i < LAG_BOUNDS_MS.length; i++) {
    const bound = LAG_BOUNDS_MS[i] ?? 0;
    const cumulative = snapshot.le[i] ?? 0;
    if (cumulative >= rank) {
      const inBucket = cumulative - lowerCount;
      const fraction = inBucket > 0 ? (rank - lowerCount) / inBucket : 1;
      return lowerBound + (bound - lowerBound) * fraction;
    }
    lowerBound = bound;
    lowerCount = cumulative;
  }
  return LAG_BOUNDS_MS[LAG_BOUNDS_MS.length - 1] ?? 0;
}

/** `le_1=3,le_2=5,…,le_inf=N` (INFO's event_loop_lag_histogram field). */
export function formatLagHistogram(snapshot: LagSnapshot): string {
  const parts = LAG_BOUNDS_MS.map((bound, i) => `le_${bound}=${snapshot.le[i] ?? 0}`);
  parts.push(`le_inf=${snapshot.count}`);
  return parts.join(",");
}

/** The inverse of formatLagHistogram plus the sample sum; null when the text is not one. */
export function parseLagHistogram(text: string, sumMs = 0): LagSnapshot | null {
  const values = new Map<string, number>();
  for (const part of text.split(",")) {
    const eq = part.indexOf("=");
    if (eq <= 0) return null;
    const value = Number(part.slice(eq + 1));
    if (!Number.isFinite(value)) return null;
    values.set(part.slice(0, eq), value);
  }
  const le: number[] = [];
  for (const bound of LAG_BOUNDS_MS) {
    const value = values.get(`le_${bound}`);
    if (value === undefined) return null;
    le.push(value);
  }
  const count = values.get("le_inf");
  if (count === undefined) return null;
  return { le, count, sumMs };
}
