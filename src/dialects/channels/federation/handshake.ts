// How a link proves it holds its peers-file key (docs/federation.md, channels.md "Federation"): each end sends a
// fresh nonce (made by the edge, carried in the `connected` command), and each proves with HMAC-SHA-256 under the
// key over both nonces and both names, labelled with its role so a proof cannot be sent back as the other's. The
// key never crosses the wire, and a recorded handshake does not replay: the other end's nonce is new each time.
import type { Peer } from '../../../config/peers.js';
import type { State } from '../../../core/state.js';
import type { HostPort } from '../../../core/types.js';
import { plain } from './names.js';
import { fed, type Hmac } from './state.js';

/** Which end proves: the server that dialled, or the one that accepted. */
export type Role = 'dial' | 'accept';

/** The name a peers-file entry's server must announce: its name=, or with a key its host; undefined, any name. */
export function expectedName(entry: Peer): string | undefined {
  return entry.name ?? (entry.key !== undefined ? entry.address : undefined);
}

/**
 * The peers-file entry a link from `address` announcing `server` is for: the entry for that address that names it,
 * else one that names no one (trusted by address only); undefined when every entry for the address names another.
 */
export function entryFrom(state: State, address: string, server: string): Peer | undefined {
  const entries = fed(state).self.peers.filter((peer) => peer.address === plain(address));
  return entries.find((peer) => expectedName(peer) === server) ?? entries.find((peer) => expectedName(peer) === undefined);
}

/** The entry this server dialled. */
export function entryDialled(state: State, dialled: HostPort): Peer | undefined {
  return fed(state).self.peers.find((peer) => peer.address === dialled.address && peer.port === dialled.port);
}

/** What a proof covers: the role, both nonces and both names, the dialler's first. */
function transcript(role: Role, dialNonce: string, acceptNonce: string, dialName: string, acceptName: string): string {
  return ['chat-federation-v1', role, dialNonce, acceptNonce, dialName, acceptName].join('\n');
}

export interface Exchange {
  readonly dialNonce: string;
  readonly acceptNonce: string;
  readonly dialName: string;
  readonly acceptName: string;
}

export function proof(hmac: Hmac, key: string, role: Role, x: Exchange): string {
  return hmac(key, transcript(role, x.dialNonce, x.acceptNonce, x.dialName, x.acceptName));
}

/** Compares two proofs in time that does not depend on where they differ. */
export function sameProof(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** A nonce as the edge makes them (hex), long enough not to repeat; anything else is refused. */
export function isNonce(text: string): boolean {
  return /^[0-9a-f]{32,128}$/.test(text);
}
