// Which names the web port answers to (CHAT_WEB_HOSTS). A page on another site whose name was made to
// resolve to this server (DNS rebinding) sends its own name as Host; refusing names the server does not
// own stops it, whatever its Origin says. Pure: the caller hands in the Host header and the listen address.
/**
 * Reads a comma-separated list of host names (`chat.example.org, chat.local`) into lower case without a
 * port; a name with a port, a path or a space is refused.
 */
export function parseHosts(text: string): { readonly hosts: readonly string[] } | { readonly error: string } {
  const hosts: string[] = [];
  for (const entry of text.split(',').map((item) => item.trim()).filter((item) => item !== '')) {
    const name = entry.toLowerCase().replace(/\.$/u, '');
    const bracketed = /^\[[0-9a-f:.]+\]$/u.test(name);
    if (!bracketed && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/u.test(name)) {
      return { error: `CHAT_WEB_HOSTS: ${JSON.stringify(entry)} is not a host name like chat.example.org (no scheme, port or path)` };
    }
    hosts.push(bracketed ? name.slice(1, -1) : name);
  }
  return { hosts };
}

/** The name part of a Host header (`Chat.Example.org:443` → `chat.example.org`, `[::1]:80` → `::1`); undefined if malformed. */
export function hostName(header: string): string | undefined {
  const text = header.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](:\d+)?$/u.exec(text);
  if (bracketed) return bracketed[1];
  const plain = /^([^:[\]\s/]+?)\.?(:\d+)?$/u.exec(text);
  return plain?.[1];
}

/** An IPv4 or IPv6 address written out, not a name. */
const isAddressLiteral = (name: string) => /^\d{1,3}(\.\d{1,3}){3}$/u.test(name) || name.includes(':');
const isLoopback = (address: string) => address === '::1' || /^127\./u.test(address) || address === '::ffff:127.0.0.1';
const isWildcard = (address: string) => address === '0.0.0.0' || address === '::';

/**
 * Whether an upgrade with this Host header is for this server:
 * - the listen address itself (an address literal);
 * - on a loopback address, `localhost` and any loopback address;
 * - on every address (0.0.0.0, ::), any address literal: rebinding needs a name, and the server cannot know
 *   every name its addresses have;
 * - a name in CHAT_WEB_HOSTS (the names a proxy or DNS gives the server).
 * No Host header at all (HTTP/1.0) is refused: nothing says which site the page was on.
 */
export function hostAllowed(header: string | undefined, listenAddress: string, allowed: readonly string[]): boolean {
  if (header === undefined) return false;
  const name = hostName(header);
  if (name === undefined) return false;
  if (allowed.includes(name) || name === listenAddress.toLowerCase()) return true;
  if (isLoopback(listenAddress) || isWildcard(listenAddress)) {
    if (name === 'localhost' || (isAddressLiteral(name) && isLoopback(name))) return true;
  }
  return isWildcard(listenAddress) && isAddressLiteral(name);
}
