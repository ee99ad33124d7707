// A federated server's name: the shared name policy (src/core/names.ts), except that `:` is allowed, since a
// server's name may be its address and an IPv6 address holds `:`.
const NOT_IN_SERVER_NAMES = /[\s,@\p{Cc}\p{Cf}\uFFFD]/u;

export function isServerName(name: string): boolean {
  return name.length > 0 && !NOT_IN_SERVER_NAMES.test(name);
}
