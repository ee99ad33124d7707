// channels N3: bcrypt reads at most 72 bytes of a password and ignores the rest, so a longer one would be
// cut without a word (and two passwords sharing their first 72 bytes would both log in): REGISTER refuses it.
export const MAX_PASSWORD_BYTES = 72;

/** The length of `text` in UTF-8 bytes, without an encoder (the core does no I/O, and needs no Buffer). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

export function isStorablePassword(password: string): boolean {
  return password.length > 0 && utf8Length(password) <= MAX_PASSWORD_BYTES;
}
