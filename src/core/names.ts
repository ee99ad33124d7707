// The one name policy of the shared namespace, and the text checks every dialect uses.
// Lengths count Unicode code points, not UTF-16 units.

// U+FFFD stands in for bytes that were not valid UTF-8: a name made of it cannot be typed back.
// `,` separates names in LIST-OK and USERS, whitespace separates words on every line: a name holding
// either could not be shown unambiguously in every dialect, so no dialect accepts it.
const NOT_IN_NAMES = /[\s,\p{Cc}\uFFFD]/u;

export function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** A name every dialect can show: non-empty, at most `maxLength` code points, no whitespace, `,`, control characters or U+FFFD. */
export function isName(name: string, maxLength = Infinity): boolean {
  return name.length > 0 && !NOT_IN_NAMES.test(name) && (maxLength === Infinity || codePoints(name) <= maxLength);
}

/** Control characters other than tab have no place in any line we accept. */
export function hasControlCharacters(text: string): boolean {
  return /[\u0000-\u0008\u000a-\u001f\u007f]/.test(text);
}
