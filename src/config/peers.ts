// The federation peers file: one peer a line, `host:port`, then optionally `key=SECRET` (the link must prove
// it holds the key) and `name=NAME` (the name the peer must announce); blank lines and # comments ignored.
import type { HostPort } from '../core/types.js';

/** A peer as its line names it: `address` is its host (a name or an IP address). */
export interface Peer extends HostPort {
  /** The shared secret both ends prove they hold (docs/federation.md); unset, the link is trusted by address only. */
  readonly key?: string;
  /** The name the peer must announce; unset, its host when it has a key, any name when not. */
  readonly name?: string;
}

/** `defaultKey` (CHAT_LINK_KEY) is the key of every line that names none. */
export function parsePeers(text: string, defaultKey?: string): { readonly peers: Peer[] } | { readonly error: string } {
  const peers: Peer[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    const [hostPort = '', ...options] = line.split(/\s+/);
    const match = /^(\[[^\]]+\]|[^\s:]+):(\d{1,5})$/.exec(hostPort);
    const port = match ? Number(match[2]) : NaN;
    if (!match || port < 1 || port > 65535) return { error: `line ${index + 1}: expected host:port, got ${JSON.stringify(line)}` };
    let key = defaultKey;
    let name: string | undefined;
    for (const option of options) {
      const [, field, value] = /^(key|name)=(\S+)$/.exec(option) ?? [];
      if (field === 'key') key = value;
      else if (field === 'name') name = value;
      else return { error: `line ${index + 1}: expected key=SECRET or name=NAME after the address, got ${JSON.stringify(option.replace(/=.*/, '=…'))}` };
    }
    peers.push({ address: match[1].replace(/^\[|\]$/g, ''), port, ...(key ? { key } : {}), ...(name ? { name } : {}) });
  }
  return { peers };
}
