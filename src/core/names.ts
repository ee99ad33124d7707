// The one name policy of the shared namespace, and the text checks every dialect uses.
// Lengths count Unicode code points, not UTF-16 units.

// Every dialect refuses a name holding one of these:
// - whitespace separates words on every line, and `,` separates names in LIST-OK and USERS;
// - `@` and `:` mark federated identities (`user@host`, `channel:host`), so a local name may not hold them;
// - control characters (\p{Cc}) would reach other people's terminals; format characters (\p{Cf}: zero-width
//   spaces and joiners, bidi overrides such as U+202E) make one name look like another or reorder the line;
// - U+FFFD stands in for bytes that were not valid UTF-8: a name made of it cannot be typed back.
const NOT_IN_NAMES = /[\s,@:\p{Cc}\p{Cf}\uFFFD]/u;

/**
 * The one length limit of a name, user or channel, in every dialect, in code points. The channels spec allows
 * 64 and clients written for it may use them; the messenger dialect (ours to define) followed, and the direct
 * dialect, whose spec sets none, too: 16 users of 64 code points keep LIST-OK near 1 KiB.
 */
export const MAX_NAME_LENGTH = 64;

export function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * The form a name is stored and compared in: Unicode NFC, so `é` typed as one code point or as `e` and a
 * combining accent is the same name. Every dialect passes the names it reads through this first.
 */
export function canonicalName(raw: string): string {
  return raw.normalize('NFC');
}

/** A name every dialect can show: non-empty, at most `maxLength` code points, none of the characters above. */
export function isName(name: string, maxLength = MAX_NAME_LENGTH): boolean {
  // a cheap bound first: a string of more than 2 × maxLength UTF-16 units has more than maxLength code points
  return name.length > 0 && name.length <= 2 * maxLength && !NOT_IN_NAMES.test(name) && codePoints(name) <= maxLength;
}

/** Control characters (C0, DEL and C1) other than tab have no place in any line we accept or relay. */
export function hasControlCharacters(text: string): boolean {
  return /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/.test(text);
}

/** How much of a client's own text an error quotes back by default, in code points: enough to recognise it. */
const QUOTE_LENGTH = 32;

/**
 * A client's text made safe to quote back in an error: control and format characters become `?`, and it
 * is cut to `maxLength` code points (with `…`), so an error never carries raw bytes or a whole flood.
 */
export function quoted(text: string, maxLength = QUOTE_LENGTH): string {
  let out = '';
  let count = 0;
  for (const char of text) {
    if (count++ === maxLength) return `${out}…`;
    out += /[\p{Cc}\p{Cf}]/u.test(char) ? '?' : char;
  }
  return out;
}
