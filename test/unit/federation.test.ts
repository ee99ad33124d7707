import { describe, expect, it } from 'vitest';
import { initialState, step } from '../../src/server-step.js';
import { keepsExisting, usesLinkFrom, withLink } from '../../src/dialects/channels/federation/links.js';
import { splitChannel, splitUser } from '../../src/dialects/channels/federation/names.js';
import { withDialled } from '../../src/dialects/channels/federation/state.js';
import { newConn, withConn, type State } from '../../src/core/state.js';
import { fedChannels } from '../../src/dialects/channels/federation/codec.js';

const limits = { maxUsers: 16, maxQueued: 10, maxLineLength: 8192 };

function serverNamed(name: string): State {
  return initialState(limits, undefined, { name, peers: [{ address: '127.0.0.2', port: 1 }] });
}

function withLinkConn(state: State, id: string, server: string, dialled: boolean): State {
  const conn = { ...newConn(id, { address: '127.0.0.2', port: 9 }, 'channels'), dialect: 'channels' };
  const opened = withConn(state, conn);
  return withLink(dialled ? withDialled(opened, id, { address: '127.0.0.2', port: 1 }) : opened, server, id);
}

describe('federation names and links', () => {
  it('splits remote names at the first @ or :', () => {
    expect(splitUser('bob@127.0.0.2:5379')).toEqual({ user: 'bob', server: '127.0.0.2:5379' });
    expect(splitChannel('room:s2')).toEqual({ channel: 'room', server: 's2' });
    expect(splitChannel('room')).toEqual({ channel: 'room' });
  });

  it('keeps, of two links between a pair, the one dialled by the server whose name sorts first, at both ends', () => {
    // s1 < s2: s1's dialled link wins
    expect(keepsExisting(withLinkConn(serverNamed('s1'), 'c1', 's2', true), 's2', 'c1')).toBe(true);
    expect(keepsExisting(withLinkConn(serverNamed('s1'), 'c1', 's2', false), 's2', 'c1')).toBe(false);
    expect(keepsExisting(withLinkConn(serverNamed('s2'), 'c1', 's1', false), 's1', 'c1')).toBe(true);
    expect(keepsExisting(withLinkConn(serverNamed('s2'), 'c1', 's1', true), 's1', 'c1')).toBe(false);
  });

  it('stands aside from dialling while a link from the peer is up (an unproved second link would not replace it), not for its own', () => {
    expect(usesLinkFrom(withLinkConn(serverNamed('s2'), 'c1', 's1', false), '127.0.0.2')).toBe(true);
    expect(usesLinkFrom(withLinkConn(serverNamed('s1'), 'c1', 's2', false), '127.0.0.2')).toBe(true);
    expect(usesLinkFrom(serverNamed('s1'), '127.0.0.2')).toBe(false);
    expect(usesLinkFrom(withLinkConn(serverNamed('s2'), 'c1', 's1', true), '127.0.0.2')).toBe(false);
  });

  it('logs a link it dialled as `to` the peer, opening and closing alike (one accepted as `from`)', () => {
    const remote = { address: '127.0.0.2', port: 5378 };
    const opened = step(serverNamed('s1'), { kind: 'connected', conn: 'c1', remote, listener: 'auto', dialled: { address: '127.0.0.2', port: 5378 }, at: 0 });
    const closed = step(opened.state, { kind: 'closed', conn: 'c1', cause: 'ended', at: 1 });
    expect([...opened.log, ...closed.log].map((event) => event.msg).filter((msg) => msg.startsWith('connection')))
      .toEqual(['connection c1 to 127.0.0.2:5378', 'connection c1 to 127.0.0.2:5378 closed']);
  });

  it('cuts FEDCHANNELS into lines no longer than the limit', () => {
    const names = Array.from({ length: 50 }, (_, i) => `channel${i}`);
    const lines = fedChannels(names, 100);
    expect(lines.every((line) => line.length <= 100 && line.startsWith('FEDCHANNELS '))).toBe(true);
    expect(lines.flatMap((line) => line.slice('FEDCHANNELS '.length).split(', '))).toEqual(names);
    expect(fedChannels([], 100)).toEqual(['FEDCHANNELS']);
  });
});
