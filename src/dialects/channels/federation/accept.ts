// How a federation link comes up (channels.md, "Federation"; docs/federation.md). Without a key, as the spec
// has it: FEDERATE-OUT name → FEDERATE-CONFIRM name. With a key in the peers-file entry, each end proves it holds
// the key first (./handshake.ts):
//   dialler → FEDERATE-OUT name nonce
//   accepter → FEDERATE-CHALLENGE name nonce proof     (the dialler checks the proof)
//   dialler → FEDERATE-PROOF proof                      (the accepter checks it)
//   accepter → FEDERATE-CONFIRM name, and the link is up at both ends
// A link that proves nothing, or the wrong thing, is refused and logged with its address.
import { chain, effect, join, note, reply, type Step } from '../../../core/steps.js';
import type { Ctx } from '../../../core/dispatch.js';
import { isServerName, plain } from './names.js';
import { updateConn, type Conn, type State } from '../../../core/state.js';
import type { HostPort } from '../../../core/types.js';
import { fedChannels, federateChallenge, federateConfirm, federateOut, federateProof, fedJoin } from './codec.js';
import { ignored, refuseLink } from './handlers.js';
import { entryDialled, entryFrom, expectedName, isNonce, proof, sameProof, type Exchange } from './handshake.js';
import { tell } from './route.js';
import { keepsExisting, keepsLinkDialledBy, linkConn, withLink } from './links.js';
import { membershipsOn } from './remote.js';
import { dialledOf, fed, fedConn, isPeerAddress, serverName, withDialled, withHandshake } from './state.js';

/** An outgoing link opened: remember what we dialled, and say who we are (with a nonce, when its entry has a key). */
export function greet({ state, conn }: Ctx, to: HostPort): Step {
  const next = withDialled(state, conn.id, to);
  if (entryDialled(state, to)?.key === undefined) return reply(next, conn.id, federateOut(serverName(state)));
  if (conn.nonce === undefined) return refuseLink(next, conn, 'no nonce to prove our key with');
  return reply(next, conn.id, federateOut(serverName(state), conn.nonce));
}

/**
 * A link is up: our channels, then our users' memberships on that server, so a conversation resumes after a restart.
 * `proved`: it showed it holds the key of its entry. An established link is replaced only by one that proved itself,
 * or by the one we dialled when both ends dialled at once (the rule of `keepsExisting`, which both ends agree on).
 */
function linkUp(state: State, conn: Conn, server: string, confirm: boolean, proved: boolean): Step {
  // in a cluster, another node may hold a link to that server: the same one-link-per-pair rule picks which stays
  const elsewhere = fed(state).remoteLinks.get(server);
  if (elsewhere && keepsLinkDialledBy(state, server, elsewhere.dialled)) return refuseLink(state, conn, `already linked with ${server} through cluster node ${elsewhere.node}`);
  const existing = linkConn(state, server);
  const dialled = dialledOf(conn) !== undefined;
  if (existing !== undefined && existing !== conn.id) {
    if (keepsExisting(state, server, existing)) return refuseLink(state, conn, `already linked with ${server}`);
    if (!proved && !dialled) return refuseLink(state, conn, `already linked with ${server}, and a second link that proved nothing does not replace it`);
  }
  const steps: Step[] = [];
  let next = withLink(state, server, conn.id);
  if (existing !== undefined && existing !== conn.id) {
    next = updateConn(next, existing, { closing: 'refused' });
    steps.push(effect(next, { kind: 'close', conn: existing }));
  }
  const name = serverName(next);
  if (confirm) steps.push(reply(next, conn.id, federateConfirm(name)));
  for (const line of fedChannels([...next.channels.keys()].sort(), next.limits.maxLineLength)) steps.push(reply(next, conn.id, line));
  for (const { user, channel } of membershipsOn(next, server)) steps.push(reply(next, conn.id, fedJoin(`${user}@${name}`, channel)));
  steps.push(note(next, 'info', 'linkUp', `linked with ${server} (${dialled ? 'dialled' : 'accepted'}, ${proved ? 'key proved' : 'trusted by address'}, ${conn.id})`,
    { conn: conn.id, peer: server, remote: conn.remote, proved }));
  if (next.cluster !== undefined) steps.push(tell(next, { kind: 'linked', node: next.cluster, server, host: plain(conn.remote.address), dialled }));
  return join(steps, next);
}

/** The proofs of a handshake, as both ends compute them; undefined when this end cannot (no HMAC, no nonce of ours). */
function exchangeOf(state: State, conn: Conn, ours: 'dial' | 'accept', server: string, theirNonce: string): Exchange | undefined {
  const name = serverName(state);
  if (conn.nonce === undefined || !fed(state).self.hmac) return undefined;
  return ours === 'dial'
    ? { dialNonce: conn.nonce, acceptNonce: theirNonce, dialName: name, acceptName: server }
    : { dialNonce: theirNonce, acceptNonce: conn.nonce, dialName: server, acceptName: name };
}

// federation: accept FEDERATE-OUT only from a peer listed in the configuration, announcing the name its entry gives;
// with a key in that entry, only after it proves it holds it. Anything else is refused and logged.
export function federateOutLine({ state, conn, args: [rest] }: Ctx): Step {
  if (conn.registered !== undefined || fedConn(conn).handshake) return ignored(state, conn, 'FEDERATE-OUT on a link that is already up');
  const address = plain(conn.remote.address);
  if (!isPeerAddress(state, address)) return refuseLink(state, conn, 'not a listed peer');
  const [announced, theirNonce, ...more] = rest === undefined || rest === '' ? [] : rest.split(' ');
  const server = announced ?? address;
  if (!isServerName(server) || more.length) return refuseLink(state, conn, `bad server name ${JSON.stringify(server.slice(0, 64))}`);
  if (server === serverName(state)) return refuseLink(state, conn, 'it has our own name');
  const entry = entryFrom(state, address, server);
  if (!entry) return refuseLink(state, conn, `it announces ${server}, a name no peers-file entry for ${address} gives`);
  const existing = linkConn(state, server);
  const existingAddress = existing === undefined ? undefined : state.conns.get(existing)?.remote.address;
  if (existingAddress !== undefined && plain(existingAddress) !== address) return refuseLink(state, conn, `${server} is linked from another address`);
  if (entry.key === undefined) return linkUp(state, conn, server, true, false);
  if (theirNonce === undefined) return refuseLink(state, conn, `${server} proves nothing: its peers-file entry has a key, and it sent no nonce`);
  if (!isNonce(theirNonce) || theirNonce === conn.nonce) return refuseLink(state, conn, `${server} sent a bad nonce`);
  const exchange = exchangeOf(state, conn, 'accept', server, theirNonce);
  if (!exchange) return refuseLink(state, conn, 'this server cannot prove its key (no nonce or HMAC was given to it)');
  return chain(withHandshake(state, conn.id, { server, key: entry.key, theirNonce }),
    (s) => reply(s, conn.id, federateChallenge(serverName(s), conn.nonce!, proof(fed(s).self.hmac!, entry.key!, 'accept', exchange))),
  );
}

// federation: FEDERATE-PROOF proof — the dialler of a keyed link proves it holds the key; then the link is up
export function federateProofLine({ state, conn, args: [given] }: Ctx): Step {
  const handshake = fedConn(conn).handshake;
  if (!handshake || handshake.proved) return refuseLink(state, conn, 'FEDERATE-PROOF where none was asked for');
  const exchange = exchangeOf(state, conn, 'accept', handshake.server, handshake.theirNonce)!;
  if (!sameProof(given, proof(fed(state).self.hmac!, handshake.key, 'dial', exchange))) {
    return refuseLink(state, conn, `it says it is ${handshake.server}, but its proof is wrong (a wrong key, or a replayed handshake)`);
  }
  return linkUp(state, conn, handshake.server, true, true);
}

// federation: FEDERATE-CHALLENGE name nonce proof — the server we dialled proves it holds the key; we prove it too
export function federateChallengeLine({ state, conn, args: [server, theirNonce, given] }: Ctx): Step {
  const dialled = dialledOf(conn);
  const entry = dialled && entryDialled(state, dialled);
  if (!entry?.key || fedConn(conn).handshake) return refuseLink(state, conn, 'FEDERATE-CHALLENGE where none was asked for');
  if (server !== expectedName(entry)) return refuseLink(state, conn, `it announces ${JSON.stringify(server.slice(0, 64))}, not ${expectedName(entry)}, the name its peers-file entry gives`);
  if (!isNonce(theirNonce) || theirNonce === conn.nonce) return refuseLink(state, conn, `${server} sent a bad nonce`);
  const exchange = exchangeOf(state, conn, 'dial', server, theirNonce);
  if (!exchange) return refuseLink(state, conn, 'this server cannot prove its key (no nonce or HMAC was given to it)');
  const hmac = fed(state).self.hmac!;
  if (!sameProof(given, proof(hmac, entry.key, 'accept', exchange))) return refuseLink(state, conn, `it says it is ${server}, but its proof is wrong (a wrong key?)`);
  return reply(withHandshake(state, conn.id, { server, key: entry.key, theirNonce, proved: true }), conn.id, federateProof(proof(hmac, entry.key, 'dial', exchange)));
}

// federation: FEDERATE-CONFIRM [name] (also spelled FEDERATECONFIRM in one copy of the spec) on a link we dialled
export function federateConfirmLine({ state, conn, args: [announced] }: Ctx): Step {
  const dialled = dialledOf(conn);
  if (!dialled || conn.registered !== 'outgoing') return ignored(state, conn, 'FEDERATE-CONFIRM where none was asked for');
  const entry = entryDialled(state, dialled);
  if (entry?.key !== undefined) {
    const handshake = fedConn(conn).handshake;
    if (!handshake?.proved) return refuseLink(state, conn, 'FEDERATE-CONFIRM from a peer that has not proved it holds the key');
    if (announced !== undefined && announced !== handshake.server) return refuseLink(state, conn, `it confirms as ${JSON.stringify(announced.slice(0, 64))}, having proved it is ${handshake.server}`);
    return linkUp(state, conn, handshake.server, false, true);
  }
  const server = announced ?? dialled.address;
  if (!isServerName(server) || server === serverName(state)) return refuseLink(state, conn, `bad server name ${JSON.stringify(server.slice(0, 64))}`);
  const expected = entry && expectedName(entry);
  if (expected !== undefined && server !== expected) return refuseLink(state, conn, `it announces ${server}, not ${expected}, the name its peers-file entry gives`);
  return linkUp(state, conn, server, false, false);
}
