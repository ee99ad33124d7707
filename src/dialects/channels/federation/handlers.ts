// What one server does with the lines another sends over a federation link (channels.md, "Federation").
// A peer is trusted only for what it says about its own users and channels; anything else is refused.
import { chain, effect, join, logs, none, note, reply, send, type Step } from '../../../core/steps.js';
import type { Ctx } from '../../../core/dispatch.js';
import { isName } from '../../../core/names.js';
import { updateConn, type Conn, type State } from '../../../core/state.js';
import { outcome, result } from '../codec.js';
import { deliverToChannel } from '../deliver.js';
import { isChannelsName } from '../names.js';
import { fedResult } from './codec.js';
import { tell, toPeer } from './route.js';
import { joiningOf, joiningOn, withoutJoining, withoutJoinsOf } from './joins.js';
import { isLinked, linkConn, withoutLink } from './links.js';
import { splitChannel, splitUser } from './names.js';
import { isRemoteMember, membersFrom, withRemoteChannel, withRemoteMember } from './remote.js';
import { fed, peerOf, serverName } from './state.js';

/** Closes a link that broke a rule, and says so in the log with where it came from. */
export function refuseLink(state: State, conn: Conn, why: string): Step {
  return chain(updateConn(state, conn.id, { closing: 'refused' }),
    (s) => note(s, 'warn', 'linkRefused', `refused a federation link from ${conn.remote.address}:${conn.remote.port}: ${why}`, { conn: conn.id, remote: conn.remote }),
    (s) => effect(s, { kind: 'close', conn: conn.id }),
  );
}

/** A line a peer may not send, or not now: logged and ignored; the link stays. */
export function ignored(state: State, conn: Conn, why: string): Step {
  const peer = peerOf(conn);
  return note(state, 'warn', 'linkIgnored', `ignored a line from ${peer ?? conn.remote.address}: ${why}`, { conn: conn.id, peer });
}

// federation: FEDCHANNELS c1, c2 — the sender's channels, listed here as c:server
export function fedChannelsLine({ state, conn, args: [list = ''] }: Ctx): Step {
  const server = peerOf(conn)!;
  const steps: Step[] = [];
  let next = state;
  for (const name of list.split(',').map((n) => n.trim()).filter((n) => n !== '')) {
    if (!isChannelsName(name)) continue;
    next = withRemoteChannel(next, server, name);
    steps.push(tell(next, { kind: 'remoteChannel', server, channel: name }));
  }
  return steps.length ? join(steps, next) : none(next);
}

export function fedNewLine({ state, conn, args: [channel] }: Ctx): Step {
  if (!isChannelsName(channel)) return ignored(state, conn, `FEDNEW of a bad channel name`);
  const server = peerOf(conn)!;
  return tell(withRemoteChannel(state, server, channel), { kind: 'remoteChannel', server, channel });
}

/** `user@server` where server is this link's peer: a peer may speak only for its own users. */
function ownMember(conn: Conn, member: string): string | undefined {
  const { user, server } = splitUser(member);
  return server !== undefined && server === peerOf(conn) && isName(user) ? user : undefined;
}

// federation: FEDJOIN user@home channel → the user joins our channel; FEDRESULT tells its server
export function fedJoinLine({ state, conn, args: [member, channel] }: Ctx): Step {
  const server = peerOf(conn)!;
  const user = ownMember(conn, member);
  if (user === undefined) return ignored(state, conn, `FEDJOIN for ${member}, who is not a user of ${server}`);
  const max = fed(state).self.maxRemoteMembers;
  if (max !== undefined && state.channels.has(channel) && !isRemoteMember(state, channel, member) && membersFrom(state, server) >= max) {
    return chain(state,
      (s) => toPeer(s, server, fedResult(user, outcome('JOIN', false, `${channel}:${serverName(s)}`))),
      (s) => note(s, 'warn', 'remoteMembersCapped', `${member} may not join ${channel}: ${server} has ${max} members in our channels already (CHAT_MAX_REMOTE_MEMBERS)`,
        { conn: conn.id, user: member, channel, peer: server, max }),
    );
  }
  const ok = state.channels.has(channel);
  // a repeated FEDJOIN (a re-join after a restart) succeeds again: the home server refuses duplicate JOINs itself
  return chain(ok ? withRemoteMember(state, channel, member, server) : state,
    (s) => toPeer(s, server, fedResult(user, outcome('JOIN', ok, `${channel}:${serverName(s)}`))),
    (s) => (ok ? note(s, 'info', 'join', `${member} joined ${channel}`, { conn: conn.id, user: member, channel }) : none(s)),
    (s) => (ok ? tell(s, { kind: 'remoteMember', channel, member, server }) : none(s)),
  );
}

// federation: FEDSAY user@home channel text → RECV to our members, FEDRECV to each remote member's server
export function fedSayLine({ state, conn, args: [member, channel, text] }: Ctx): Step {
  const server = peerOf(conn)!;
  const user = ownMember(conn, member);
  if (user === undefined) return ignored(state, conn, `FEDSAY for ${member}, who is not a user of ${server}`);
  if (!isRemoteMember(state, channel, member) || text.trim() === '') {
    return chain(state,
      (s) => toPeer(s, server, fedResult(user, outcome('SAY', false))),
      (s) => note(s, 'info', 'sayRefused', `${member} may not say anything in ${channel}`, { conn: conn.id, user: member, channel }),
    );
  }
  return chain(state,
    (s) => deliverToChannel(s, channel, member, text),
    (s) => (logs(s, 'info') ? note(s, 'info', 'message', `${member} in ${channel}: ${text}`, { conn: conn.id, user: member, channel, text }) : none(s)),
  );
}

/** How a user named by a peer looks here: bare if ours, `user@server` otherwise. */
function asSeenHere(state: State, from: string, server: string): string {
  const { user, server: home } = splitUser(from);
  if (home === undefined) return `${user}@${server}`;
  return home === serverName(state) ? user : from;
}

/** One of our users, online, by name. */
function localUser(state: State, user: string): Conn | undefined {
  const id = state.online.get(user);
  return id === undefined ? undefined : state.conns.get(id);
}

// federation: FEDRECV touser fromuser channel text → RECV fromuser channel:server text for our user
export function fedRecvLine({ state, conn, args: [to, from, channel, text] }: Ctx): Step {
  const server = peerOf(conn)!;
  const target = localUser(state, to);
  const name = `${channel}:${server}`;
  // a user on another node of the cluster: that node delivers it
  if (!target && state.remoteUsers.has(to)) return send(state, { kind: 'user', user: to }, { kind: 'recv', from: asSeenHere(state, from, server), channel: name, text });
  if (!target?.channels.has(name)) return note(state, 'debug', 'recvDropped', `a message in ${name} for ${to}, who is not a member here`, { conn: conn.id, user: to, channel: name });
  return send(state, { kind: 'conn', conn: target.id }, { kind: 'recv', from: asSeenHere(state, from, server), channel: name, text });
}

// federation: FEDRESULT user TYPE … → RESULT TYPE … for our user
export function fedResultLine({ state, conn, args: [to, rest] }: Ctx): Step {
  const server = peerOf(conn)!;
  const [verb, subject, flag] = rest.split(' ');
  if (!(verb === 'SAY' && subject === '0' && flag === undefined) && (verb !== 'JOIN' || (flag !== '0' && flag !== '1'))) return ignored(state, conn, `FEDRESULT ${rest.slice(0, 64)}`);
  if (verb === 'JOIN' && splitChannel(subject ?? '').server !== server) return ignored(state, conn, `FEDRESULT about ${subject}, which is not a channel of ${server}`);
  // a user on another node of the cluster: that node answers them
  const home = localUser(state, to) ? undefined : state.remoteUsers.get(to)?.node;
  if (home !== undefined) return tell(state, { kind: 'fedResult', user: to, server, rest }, home);
  return fedResultFor(state, to, server, rest);
}

/** A checked FEDRESULT from `server` for `to`: RESULT SAY 0, or the answer to a JOIN of one of its channels. */
export function fedResultFor(state: State, to: string, server: string, rest: string): Step {
  const target = localUser(state, to);
  const [verb, subject, flag] = rest.split(' ');
  if (!target) return note(state, 'debug', 'resultDropped', `a result for ${to}, who is not online`, { user: to });
  if (verb === 'SAY') return reply(state, target.id, result('SAY', false));
  const { channel } = splitChannel(subject ?? '');
  const name = `${channel}:${server}`;
  const ok = flag === '1';
  const asked = joiningOf(target).has(name);
  const answered = asked ? withoutJoining(state, target.id, server, name) : state;
  const next = ok ? updateConn(answered, target.id, { channels: target.channels.add(name) }) : answered;
  // a re-join after a restart answers nobody: the user never asked again
  return asked ? reply(next, target.id, result('JOIN', ok, name)) : none(next);
}

/** A connection of the channels dialect closed: a user's joins under way are forgotten; a link's close is `linkClosed`. */
export function connClosed(state: State, conn: Conn): Step {
  return peerOf(conn) === undefined ? none(withoutJoinsOf(state, conn)) : linkClosed(state, conn);
}

/** The link closed: that server's users leave our channels, its channels leave CHANNELS, joins under way fail. */
function linkClosed(state: State, conn: Conn): Step {
  const server = peerOf(conn);
  if (server === undefined || linkConn(state, server) !== conn.id) return none(state);
  return chain(state,
    (s) => linkGone(s, server),
    (s) => note(s, 'warn', 'linkDown', `the link with ${server} is down`, { conn: conn.id, peer: server }),
    (s) => (s.cluster !== undefined ? tell(s, { kind: 'unlinked', node: s.cluster, server }) : none(s)),
  );
}

/** No link with `server` any more: its users leave our channels, its channels leave CHANNELS, joins under way there fail. */
export function linkGone(state: State, server: string, where: 'here' | 'there' = 'here'): Step {
  const steps: Step[] = [];
  let next = withoutLink(state, server, where);
  if (isLinked(next, server)) return none(next);
  for (const id of joiningOn(next, server)) {
    const user = next.conns.get(id);
    if (!user) continue;
    for (const name of joiningOf(user)) {
      if (splitChannel(name).server !== server) continue;
      next = withoutJoining(next, id, server, name);
      steps.push(reply(next, id, result('JOIN', false, name)));
    }
  }
  return steps.length ? join(steps, next) : none(next);
}
