// Which names each dialect accepts. Lengths count Unicode code points, not UTF-16 units.

// U+FFFD stands in for bytes that were not valid UTF-8: a name made of it cannot be typed back
const FORBIDDEN_IN_NAMES = /[\p{Cc}\uFFFD]/u;
const WHITESPACE = /\s/u;

export function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Control characters other than tab have no place in any line we accept. */
export function hasControlCharacters(text: string): boolean {
  return /[\u0000-\u0008\u000a-\u001f\u007f]/.test(text);
}

// channels: non-empty, no whitespace, no `@` or `:` (they mark federated names), at most 64 characters
export function isChannelsName(name: string): boolean {
  return name.length > 0 && codePoints(name) <= 64 && !/[\s@:]/u.test(name) && !FORBIDDEN_IN_NAMES.test(name);
}

// direct: non-empty, no spaces, no commas, no control characters
export function isDirectName(name: string): boolean {
  return name.length > 0 && !WHITESPACE.test(name) && !name.includes(',') && !FORBIDDEN_IN_NAMES.test(name);
}

// messenger: 1–32 characters, no whitespace, no commas
export function isMessengerName(name: string): boolean {
  return name.length > 0 && codePoints(name) <= 32 && !WHITESPACE.test(name) && !name.includes(',') && !FORBIDDEN_IN_NAMES.test(name);
}
