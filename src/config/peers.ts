// The federation peers file: one host:port a line; blank lines and # comments ignored.

import type { HostPort } from '../core/types.js';

/** A peer as its line names it: `address` is its host (a name or an IP address). */
export type Peer = HostPort;

export function parsePeers(text: string): { readonly peers: Peer[] } | { readonly error: string } {
  const peers: Peer[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    const match = /^(\[[^\]]+\]|[^\s:]+):(\d{1,5})$/.exec(line);
    const port = match ? Number(match[2]) : NaN;
    if (!match || port < 1 || port > 65535) return { error: `line ${index + 1}: expected host:port, got ${JSON.stringify(line)}` };
    peers.push({ address: match[1].replace(/^\[|\]$/g, ''), port });
  }
  return { peers };
}
