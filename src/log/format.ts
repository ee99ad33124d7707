// One server.log record as a line a person reads: `12:00:01.234 INFO  alice in general: hi`.
import { escapeControls } from './escape.js';

/** pino's level names and numbers; `silent` logs nothing. */
export const LEVEL_VALUES: Readonly<Record<string, number>> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };
const LEVELS: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(LEVEL_VALUES).map(([name, value]) => [value, name.toUpperCase()]));

/** `label` (a worker's `n2`) or else `node` (a cluster node's name) says which node of a cluster wrote the record. */
export function formatRecord(record: { readonly time?: unknown; readonly level?: unknown; readonly msg?: unknown; readonly node?: unknown; readonly label?: unknown }): string {
  const time = typeof record.time === 'string' ? record.time.slice(11, 23) : typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 23) : '';
  const level = typeof record.level === 'number' ? (LEVELS[record.level] ?? String(record.level)) : String(record.level ?? '');
  const node = typeof record.label === 'string' ? record.label : typeof record.node === 'string' ? record.node : undefined;
  return `${time} ${level.padEnd(5)} ${node ? `[${node}] ` : ''}${String(record.msg ?? '')}`;
}

/**
 * A raw server.log line, or the line itself when it is not a JSON record; either way without a control character
 * (a file not written by this server, or by an older one, may hold them raw or as JSON escapes).
 */
export function formatLogLine(line: string): string {
  try {
    const record: unknown = JSON.parse(line);
    return escapeControls(record && typeof record === 'object' ? formatRecord(record as Record<string, unknown>) : line);
  } catch {
    return escapeControls(line);
  }
}
