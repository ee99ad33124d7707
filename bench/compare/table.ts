// Plain-text tables, and the number formats they use.

export type Row = readonly [label: string, ...cells: string[]];

/** Prints a table and returns its text. */
export function printTable(title: string, header: readonly string[], rows: readonly Row[], notes: readonly string[] = []): string {
  const widths = [Math.max(title.length, ...rows.map((r) => r[0].length + 2)) + 2, ...header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i + 1] ?? '').length)) + 3)];
  const line = (cells: readonly string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[0]) : cell.padStart(widths[i]))).join('').trimEnd();
  const text = [line([title, ...header]), ...rows.map(([label, ...cells]) => line([`  ${label}`, ...cells])), ...notes.map((note) => `  ${note}`), ''].join('\n');
  console.log(text);
  return text;
}

export const rate = (perSecond: number) => (perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(2)} M/s` : `${(perSecond / 1e3).toFixed(perSecond >= 1e5 ? 0 : 1)} k/s`);

export function duration(us: number): string {
  if (us >= 1e6) return `${(us / 1e6).toFixed(2)} s`;
  if (us >= 1e4) return `${(us / 1e3).toFixed(0)} ms`;
  if (us >= 1e3) return `${(us / 1e3).toFixed(1)} ms`;
  return `${us.toFixed(0)} µs`;
}

export const kilobytes = (kb: number) => `${kb.toFixed(1)} KB`;
export const megabytes = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;
export const percent = (share: number) => `${(share * 100).toFixed(0)}%`;
export const seconds = (s: number) => `${s.toFixed(s < 10 ? 2 : 1)} s`;

/** ours ÷ theirs, or a dash when either is missing or zero. */
export function ratio(ours: number | undefined, theirs: number | undefined): string {
  if (!ours || !theirs) return '—';
  const r = ours / theirs;
  return `${r >= 10 ? r.toFixed(1) : r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}×`;
}

/** Numbers as one cell in one unit: `1.6 2.0 14 ms` (one decimal below 10). */
export function listCell(values: readonly number[], unit: string): string {
  if (!values.length) return '—';
  return `${values.map((v) => v.toFixed(Math.abs(v) < 10 ? (Math.abs(v) < 1 ? 2 : 1) : 0)).join(' ')}${unit ? ` ${unit}` : ''}`;
}
