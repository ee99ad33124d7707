// What a client wrote, made safe to show: a log, the console, `tail` and a recording never carry a character
// that moves a terminal's cursor, recolours it, reverses the text around it or starts a new line.

/**
 * C0 controls, DEL and the C1 controls (U+0080–U+009F: CSI is one), the bidi controls (LRM, RLM, ALM, the
 * embeddings, overrides and isolates) and the Unicode line and paragraph separators.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');
const UNSAFE_OR_BACKSLASH = new RegExp(`${UNSAFE.source}|\\\\`, 'g');

const NAMED: Readonly<Record<string, string>> = { '\r': '\\r', '\n': '\\n', '\t': '\\t', '\0': '\\0', '\\': '\\\\' };
const encoder = new TextEncoder();

/** Whether `text` holds a character `escapeControls` would escape (a backslash only when asked). */
export function hasUnsafe(text: string, backslashes = false): boolean {
  return UNSAFE.test(text) || (backslashes && text.includes('\\'));
}

/**
 * Every unsafe character as `\r \n \t \0` or its UTF-8 bytes as `\xNN` (the recording format's escapes, so a
 * recording's `>>` line sends exactly the bytes the client did). `backslashes`: a backslash becomes `\\`, so
 * the escaped text reads back unambiguously (logs and recordings); `tail` leaves them, as its input is escaped.
 * `json`: `\uXXXX` instead, for a line that must stay JSON.
 */
export function escapeControls(text: string, { backslashes = false, json = false } = {}): string {
  const pattern = backslashes ? UNSAFE_OR_BACKSLASH : UNSAFE_ALL;
  if (!(backslashes ? hasUnsafe(text, true) : UNSAFE.test(text))) return text;
  // json: inside a JSON line (`tail --json`) only `\uXXXX` keeps it JSON
  if (json) return text.replace(pattern, (char) => (char === '\\' ? '\\\\' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`));
  return text.replace(pattern, (char) => NAMED[char] ?? [...encoder.encode(char)].map((byte) => `\\x${byte.toString(16).padStart(2, '0')}`).join(''));
}

/** A log record with every string in it (nested ones too) escaped, backslashes included. */
export function escapeFields<T>(value: T): T {
  if (typeof value === 'string') return escapeControls(value, { backslashes: true }) as T;
  if (Array.isArray(value)) return value.map(escapeFields) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      out[key] = escapeFields(field);
      changed ||= out[key] !== field;
    }
    return (changed ? out : value) as T;
  }
  return value;
}
