// Summaries of repeated runs: every run is printed, and beside it the median and the spread, so a ratio is
// read with its noise.

/** The middle value (the mean of the two middle ones for an even count); undefined for none. */
export function median(values: readonly number[]): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export interface Spread { readonly median: number; readonly min: number; readonly max: number; readonly runs: number }

/** Median, least and greatest of the runs; undefined for none. */
export function spread(values: readonly number[]): Spread | undefined {
  const middle = median(values);
  return middle === undefined ? undefined : { median: middle, min: Math.min(...values), max: Math.max(...values), runs: values.length };
}

/** `3.2 µs (2.9–4.1)`: the median, then the least and greatest of the runs (in the median's unit when `show`
 *  gives a unit after a space); just the value for one run. */
export function showSpread(s: Spread, show: (v: number) => string): string {
  if (s.runs === 1) return show(s.median);
  const [middle, low, high] = [s.median, s.min, s.max].map(show);
  const unit = / (\S+)$/.exec(middle)?.[1];
  const bare = (text: string) => (unit && text.endsWith(` ${unit}`) ? text.slice(0, -unit.length - 1) : text);
  return `${middle} (${bare(low)}–${bare(high)})`;
}
