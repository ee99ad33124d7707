// Keyed federation links in the pure core (src/dialects/channels/federation/accept.ts): the handshake at both
// ends, names, replacement of an established link, a peer's rate and its cap on remote members.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { initialState, type Federation } from '../../src/server-step.js';
import { LIMITS, run, type Run } from '../support/core.js';
import type { CoreLimits, State } from '../../src/core/state.js';
import type { Command } from '../../src/core/types.js';
import { parsePeers } from '../../src/config/peers.js';
import { proof } from '../../src/dialects/channels/federation/handshake.js';

const hmac = (key: string, message: string) => createHmac('sha256', key).update(message).digest('hex');
const KEY = 'k3y';
const S1 = { address: '127.0.0.2', port: 5000 };
const N = (c: string) => c.repeat(32);

function server(peers: Federation['peers'], extra: Partial<Federation> = {}, limits: CoreLimits = LIMITS, name = 's2'): State {
  return initialState(limits, { accounts: [['alice', 'h']], channels: ['room'] }, { name, peers, hmac, ...extra });
}

const at = 0;
const accepted = (conn: string, nonce: string, address = S1.address): Command => ({ kind: 'connected', conn, remote: { address, port: 40000 }, listener: 'auto', nonce, at });
const dialled = (conn: string, nonce: string): Command => ({ kind: 'connected', conn, remote: S1, listener: 'channels', dialled: S1, nonce, at });
const line = (conn: string, text: string, when = at): Command => ({ kind: 'line', conn, text, at: when });
const closedBy = (r: Run, conn: string) => r.effects.some((e) => e.kind === 'close' && e.conn === conn);
const refusal = (r: Run) => r.log.find((l) => l.event === 'linkRefused')?.msg;
const x = (dialNonce: string, acceptNonce: string, dialName = 's1', acceptName = 's2') => ({ dialNonce, acceptNonce, dialName, acceptName });

/** s1 links to this server (s2 unless told) with the key, from s1's address: FEDERATE-OUT, the challenge, the proof. */
function keyedLinkUp(state: State, conn = 'p', ours = N('a'), theirs = N('b'), us = 's2'): Run {
  return run([accepted(conn, theirs), line(conn, `FEDERATE-OUT s1 ${ours}`), line(conn, `FEDERATE-PROOF ${proof(hmac, KEY, 'dial', x(ours, theirs, 's1', us))}`)], state);
}

describe('the peers file', () => {
  it('reads key= and name= after the address, gives CHAT_LINK_KEY to lines without a key, and refuses anything else', () => {
    expect(parsePeers('127.0.0.2:5000 key=abc name=s1\n127.0.0.3:5000\n[::1]:6000 name=six\n', 'dflt')).toEqual({ peers: [
      { address: '127.0.0.2', port: 5000, key: 'abc', name: 's1' },
      { address: '127.0.0.3', port: 5000, key: 'dflt' },
      { address: '::1', port: 6000, key: 'dflt', name: 'six' },
    ] });
    expect(parsePeers('127.0.0.2:5000\n')).toEqual({ peers: [{ address: '127.0.0.2', port: 5000 }] });
    const bad = parsePeers('127.0.0.2:5000 secret=xyz\n');
    expect(bad).toEqual({ error: 'line 1: expected key=SECRET or name=NAME after the address, got "secret=…"' });
  });
});

describe('a keyed link from a peer', () => {
  const keyed = server([{ ...S1, key: KEY, name: 's1' }]);

  it('is challenged, proves the key, and only then is confirmed and sent our channels', () => {
    const first = run([accepted('p', N('b')), line('p', `FEDERATE-OUT s1 ${N('a')}`)], keyed);
    expect(first.lines.p).toEqual([`FEDERATE-CHALLENGE s2 ${N('b')} ${proof(hmac, KEY, 'accept', x(N('a'), N('b')))}`]);
    expect(first.log.some((l) => l.event === 'linkUp')).toBe(false);
    const up = run([line('p', `FEDERATE-PROOF ${proof(hmac, KEY, 'dial', x(N('a'), N('b')))}`)], first.state);
    expect(up.lines.p).toEqual(['FEDERATE-CONFIRM s2', 'FEDCHANNELS room']);
    expect(up.log.find((l) => l.event === 'linkUp')).toMatchObject({ proved: true });
  });

  it('is refused without a nonce, with a wrong proof, or saying a server verb first; each logged with the address', () => {
    const noNonce = run([accepted('p', N('b')), line('p', 'FEDERATE-OUT s1')], keyed);
    expect(closedBy(noNonce, 'p')).toBe(true);
    expect(refusal(noNonce)).toMatch(/^refused a federation link from 127\.0\.0\.2:40000: s1 proves nothing/);
    const wrong = run([accepted('p', N('b')), line('p', `FEDERATE-OUT s1 ${N('a')}`), line('p', `FEDERATE-PROOF ${proof(hmac, 'other', 'dial', x(N('a'), N('b')))}`)], keyed);
    expect(closedBy(wrong, 'p')).toBe(true);
    expect(refusal(wrong)).toMatch(/from 127\.0\.0\.2:40000: .*proof is wrong/);
    const early = run([accepted('p', N('b')), line('p', `FEDERATE-OUT s1 ${N('a')}`), line('p', 'FEDCHANNELS forged')], keyed);
    expect(closedBy(early, 'p')).toBe(true);
    expect(run([line('q', 'CHANNELS')], early.state).lines).toEqual({});
  });

  it('does not replay: the proof of one handshake fails against the next one’s nonce', () => {
    const recorded = `FEDERATE-PROOF ${proof(hmac, KEY, 'dial', x(N('a'), N('b')))}`;
    const replay = run([accepted('r', N('c')), line('r', `FEDERATE-OUT s1 ${N('a')}`), line('r', recorded)], keyed);
    expect(closedBy(replay, 'r')).toBe(true);
    // the accepter's own proof is no use as the dialler's either: each is labelled with its role
    const reflected = run([accepted('r', N('c')), line('r', `FEDERATE-OUT s1 ${N('a')}`), line('r', `FEDERATE-PROOF ${proof(hmac, KEY, 'accept', x(N('a'), N('c')))}`)], keyed);
    expect(closedBy(reflected, 'r')).toBe(true);
  });

  it('must announce the name its entry gives', () => {
    const other = run([accepted('p', N('b')), line('p', `FEDERATE-OUT s9 ${N('a')}`)], keyed);
    expect(refusal(other)).toMatch(/it announces s9, a name no peers-file entry for 127\.0\.0\.2 gives/);
    // with a key and no name=, the name is the host
    const byHost = run([accepted('p', N('b')), line('p', `FEDERATE-OUT 127.0.0.2 ${N('a')}`)], server([{ ...S1, key: KEY }]));
    expect(byHost.lines.p?.[0]).toMatch(/^FEDERATE-CHALLENGE s2 /);
  });

  it('an established link is not replaced by a newcomer that proves nothing; one that proves the key may replace it', () => {
    const up = keyedLinkUp(keyed).state;
    const impostor = run([accepted('i', N('d')), line('i', `FEDERATE-OUT s1 ${N('e')}`), line('i', 'FEDERATE-PROOF 00')], up);
    expect(closedBy(impostor, 'i')).toBe(true);
    expect(closedBy(impostor, 'p')).toBe(false);
    // without a key, a second link from the peer's address proves nothing either: the first stays
    const plainUp = run([accepted('p', N('b')), line('p', 'FEDERATE-OUT s1')], server([S1], {}, LIMITS, 's0')).state;
    const second = run([accepted('i', N('d')), line('i', 'FEDERATE-OUT s1')], plainUp);
    expect(refusal(second)).toMatch(/a second link that proved nothing does not replace it/);
    expect(closedBy(second, 'p')).toBe(false);
    // s1 restarted while its old link lingers: where the one-link rule lets a newcomer replace it (our name sorts first), a proved one does
    const firstUp = keyedLinkUp(server([{ ...S1, key: KEY, name: 's1' }], {}, LIMITS, 's0'), 'p', N('a'), N('b'), 's0').state;
    const restarted = keyedLinkUp(firstUp, 'n', N('f'), N('9'), 's0');
    expect(closedBy(restarted, 'p')).toBe(true);
    expect(restarted.lines.n).toContain('FEDERATE-CONFIRM s0');
  });
});

describe('a keyed link we dialled', () => {
  const keyed = server([{ ...S1, key: KEY, name: 's1' }]);

  it('greets with a nonce, checks the challenge, proves the key, and is up at FEDERATE-CONFIRM', () => {
    const greeted = run([dialled('d', N('a'))], keyed);
    expect(greeted.lines.d).toEqual([`FEDERATE-OUT s2 ${N('a')}`]);
    const challenged = run([line('d', `FEDERATE-CHALLENGE s1 ${N('b')} ${proof(hmac, KEY, 'accept', x(N('a'), N('b'), 's2', 's1'))}`)], greeted.state);
    expect(challenged.lines.d).toEqual([`FEDERATE-PROOF ${proof(hmac, KEY, 'dial', x(N('a'), N('b'), 's2', 's1'))}`]);
    const up = run([line('d', 'FEDERATE-CONFIRM s1')], challenged.state);
    expect(up.log.find((l) => l.event === 'linkUp')).toMatchObject({ peer: 's1', proved: true });
  });

  it('refuses FEDERATE-CONFIRM anyname without a challenge, a wrong challenge, and a challenge under another name', () => {
    const greeted = run([dialled('d', N('a'))], keyed).state;
    const confirmOnly = run([line('d', 'FEDERATE-CONFIRM anyname')], greeted);
    expect(refusal(confirmOnly)).toMatch(/from 127\.0\.0\.2:5000: FEDERATE-CONFIRM from a peer that has not proved it holds the key/);
    expect(confirmOnly.log.some((l) => l.event === 'linkUp')).toBe(false);
    const wrong = run([line('d', `FEDERATE-CHALLENGE s1 ${N('b')} ${proof(hmac, 'other', 'accept', x(N('a'), N('b'), 's2', 's1'))}`)], greeted);
    expect(refusal(wrong)).toMatch(/proof is wrong/);
    const renamed = run([line('d', `FEDERATE-CHALLENGE s7 ${N('b')} ${proof(hmac, KEY, 'accept', x(N('a'), N('b'), 's2', 's7'))}`)], greeted);
    expect(refusal(renamed)).toMatch(/announces "s7", not s1/);
  });

  it('without a key, speaks the old handshake; a name= still binds the name', () => {
    const plain = run([dialled('d', N('a'))], server([S1]));
    expect(plain.lines.d).toEqual(['FEDERATE-OUT s2']);
    expect(run([line('d', 'FEDERATE-CONFIRM anyname')], plain.state).log.find((l) => l.event === 'linkUp')).toMatchObject({ peer: 'anyname', proved: false });
    const named = run([dialled('d', N('a')), line('d', 'FEDERATE-CONFIRM anyname')], server([{ ...S1, name: 's1' }]));
    expect(refusal(named)).toMatch(/it announces anyname, not s1/);
  });
});

describe('a peer', () => {
  it('may add no more members to our channels than CHAT_MAX_REMOTE_MEMBERS, and the log says so', () => {
    const up = keyedLinkUp(server([{ ...S1, key: KEY, name: 's1' }], { maxRemoteMembers: 2 })).state;
    const r = run([line('p', 'FEDJOIN u1@s1 room'), line('p', 'FEDJOIN u2@s1 room'), line('p', 'FEDJOIN u2@s1 room'), line('p', 'FEDJOIN u3@s1 room')], up);
    expect(r.lines.p).toEqual(['FEDRESULT u1 JOIN room:s2 1', 'FEDRESULT u2 JOIN room:s2 1', 'FEDRESULT u2 JOIN room:s2 1', 'FEDRESULT u3 JOIN room:s2 0']);
    expect(r.log.find((l) => l.event === 'remoteMembersCapped')).toMatchObject({ peer: 's1', max: 2 });
  });

  it('speaks only for its own users: a FEDJOIN or FEDSAY for another server’s is ignored and logged', () => {
    const up = keyedLinkUp(server([{ ...S1, key: KEY, name: 's1' }])).state;
    const r = run([line('p', 'FEDJOIN mallory@s3 room'), line('p', 'FEDSAY alice@s2 room forged')], up);
    expect(r.lines.p).toBeUndefined();
    expect(r.log.filter((l) => l.event === 'linkIgnored')).toHaveLength(2);
  });

  it('has a rate of its own: a link flooding past it is dropped, while clients keep theirs', () => {
    const limits: CoreLimits = { ...LIMITS, rate: { perSecond: 1, burst: 3, floodMs: 1000 }, serverRate: { perSecond: 10, burst: 10, floodMs: 1000 } };
    const up = keyedLinkUp(server([{ ...S1, key: KEY, name: 's1' }], {}, limits)).state;
    // 12 lines in one instant: within the link's burst (and a little past it), far past a client's
    const burst = run(Array.from({ length: 12 }, (_, i) => line('p', `FEDNEW c${i}`, 0)), up);
    expect(closedBy(burst, 'p')).toBe(false);
    const flood = run(Array.from({ length: 40 }, (_, i) => line('p', `FEDNEW d${i}`, 100 * i)), burst.state);
    expect(closedBy(flood, 'p')).toBe(true);
    expect(flood.log.find((l) => l.event === 'flooded')?.msg).toMatch(/over 10 lines a second/);
  });
});
