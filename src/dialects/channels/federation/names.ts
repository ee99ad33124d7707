// Federation's names: a federated server's name (the shared name policy of src/core/names.ts, except that `:`
// is allowed, since a server's name may be its address and an IPv6 address holds `:`), how remote users and
// channels are written (`user@server`, `channel:server`, bare at home), and a peer's plain address. Pure.
const NOT_IN_SERVER_NAMES = /[\s,@\p{Cc}\p{Cf}\uFFFD]/u;

export function isServerName(name: string): boolean {
  return name.length > 0 && !NOT_IN_SERVER_NAMES.test(name);
}

/** `channel:server` → its parts; a bare name has no server. */
export function splitChannel(name: string): { readonly channel: string; readonly server?: string } {
  const colon = name.indexOf(':');
  return colon < 0 ? { channel: name } : { channel: name.slice(0, colon), server: name.slice(colon + 1) };
}

/** `user@server` → its parts; a bare name has no server. */
export function splitUser(name: string): { readonly user: string; readonly server?: string } {
  const at = name.indexOf('@');
  return at < 0 ? { user: name } : { user: name.slice(0, at), server: name.slice(at + 1) };
}

/** An IPv4 address as IPv4, whether or not it came through an IPv6 socket. */
export function plain(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
