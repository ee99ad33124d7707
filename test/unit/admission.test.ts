// Admission, the pure parts: what a new socket gets given the counts, which Host a WebSocket may name, and
// which verbs a WebSocket may not send.
import { describe, expect, it } from 'vitest';
import { admissionOf, preLoginLimit } from '../../src/core/admission.js';
import { hostAllowed, hostName, parseHosts } from '../../src/config/hosts.js';
import { parseConfig } from '../../src/config/config.js';
import { forEachDelivery } from '../../src/core/audience.js';
import { DIALECTS, initialState, step } from '../../src/server-step.js';

const limits = { maxConnections: 10, maxPerAddress: 4, maxPreLogin: 5 };

describe('admitting a socket', () => {
  it('admits while every count is under its limit', () => {
    expect(admissionOf({ open: 0, preLogin: 0, fromAddress: 0 }, limits)).toBe('admit');
    expect(admissionOf({ open: 9, preLogin: 4, fromAddress: 3 }, limits)).toBe('admit');
  });

  it('refuses a fifth socket from one address, whatever else is free', () => {
    expect(admissionOf({ open: 4, preLogin: 0, fromAddress: 4 }, limits)).toBe('refusePerAddress');
  });

  it('past the pre-login share, admits the newcomer and closes the oldest socket nobody logged in on', () => {
    expect(admissionOf({ open: 5, preLogin: 5, fromAddress: 0 }, limits)).toBe('admitEvictingOldest');
    // full: places still held by sockets without a login make room too
    expect(admissionOf({ open: 10, preLogin: 1, fromAddress: 0 }, limits)).toBe('admitEvictingOldest');
  });

  it('refuses only when every place is held by someone logged in', () => {
    expect(admissionOf({ open: 10, preLogin: 0, fromAddress: 0 }, limits)).toBe('refuseFull');
  });

  it('gives sockets without a login a share of the places, at least one', () => {
    expect(preLoginLimit(1024, 50)).toBe(512);
    expect(preLoginLimit(1, 50)).toBe(1);
    expect(preLoginLimit(30, 100)).toBe(30);
  });
});

describe('the Host a WebSocket names (CHAT_WEB_HOSTS)', () => {
  it('on a loopback address: the address, other loopback addresses and localhost, any port', () => {
    for (const host of ['127.0.0.1:5380', '127.0.0.1', 'LOCALHOST:5380', 'localhost.', '[::1]:5380', '127.0.0.2:80']) {
      expect(hostAllowed(host, '127.0.0.1', []), host).toBe(true);
    }
  });

  it('refuses another name made to point here (DNS rebinding), a missing Host and nonsense', () => {
    for (const host of ['evil.example', 'evil.example:5380', 'localhost.evil.example', '127.0.0.1.evil.example', '', 'a b', 'x/y']) {
      expect(hostAllowed(host, '127.0.0.1', []), host).toBe(false);
    }
    expect(hostAllowed(undefined, '127.0.0.1', [])).toBe(false);
  });

  it('lets the listed names in, and on a public address only the address and those names', () => {
    expect(hostAllowed('Chat.Example.org:443', '192.0.2.7', ['chat.example.org'])).toBe(true);
    expect(hostAllowed('192.0.2.7:5380', '192.0.2.7', [])).toBe(true);
    expect(hostAllowed('localhost:5380', '192.0.2.7', [])).toBe(false);
    expect(hostAllowed('198.51.100.1', '192.0.2.7', [])).toBe(false);
  });

  it('on every address (0.0.0.0), any address literal: a rebinding page always names a host', () => {
    expect(hostAllowed('192.0.2.7:5380', '0.0.0.0', [])).toBe(true);
    expect(hostAllowed('localhost', '0.0.0.0', [])).toBe(true);
    expect(hostAllowed('evil.example', '0.0.0.0', [])).toBe(false);
  });

  it('reads the list, and refuses entries that are not host names', () => {
    expect(parseHosts(' Chat.Example.org, chat.local. ,[::1]')).toEqual({ hosts: ['chat.example.org', 'chat.local', '::1'] });
    for (const bad of ['https://chat.example.org', 'chat.example.org:443', 'chat.example.org/x', '*']) {
      const parsed = parseHosts(bad);
      expect('error' in parsed && parsed.error, bad).toContain('is not a host name');
    }
    expect(hostName('[::1]:80')).toBe('::1');
  });

  it('is read from CHAT_WEB_HOSTS, and the metrics address from CHAT_METRICS_ADDRESS (default 127.0.0.1)', () => {
    const read = parseConfig([], { CHAT_WEB_HOSTS: 'chat.example.org' });
    expect('config' in read && read.config.webHosts).toEqual(['chat.example.org']);
    expect('config' in read && read.config.metricsAddress).toBe('127.0.0.1');
    const flagged = parseConfig(['--metrics-address', '0.0.0.0'], { CHAT_METRICS_ADDRESS: '127.0.0.3' });
    expect('config' in flagged && flagged.config.metricsAddress).toBe('0.0.0.0');
    expect(parseConfig([], { CHAT_PRE_LOGIN_SHARE: '101' })).toEqual({ error: 'CHAT_PRE_LOGIN_SHARE is a percentage of CHAT_MAX_CONNECTIONS, between 1 and 100, got 101 (from CHAT_PRE_LOGIN_SHARE in the environment)' });
  });
});

describe('a listener admits only its dialects', () => {
  const remote = { address: '127.0.0.2', port: 9 };
  const serve = (transport?: 'websocket') => {
    let state = initialState({ maxUsers: 16, maxQueued: 10, maxLineLength: 8192 }, undefined, { name: 'home', peers: [{ address: '127.0.0.2', port: 1 }] });
    const effects: unknown[] = [];
    const log: string[] = [];
    const lines: string[] = [];
    for (const command of [
      { kind: 'connected', conn: 'c1', remote, listener: 'auto', ...(transport ? { transport } : {}), at: 0 },
      { kind: 'line', conn: 'c1', text: 'FEDERATE-OUT viaweb', at: 1 },
    ] as const) {
      const t = step(state, command);
      state = t.state;
      effects.push(...t.effects);
      log.push(...t.log.map((e) => e.event));
      for (const sent of t.out) forEachDelivery(DIALECTS, sent, (_conn, text) => lines.push(text));
    }
    return { effects, log, lines, state };
  };

  it('refuses FEDERATE-OUT over a WebSocket, from a listed peer\'s address too: closed, logged, nothing answered', () => {
    const { effects, log, lines, state } = serve('websocket');
    expect(lines).toEqual([]);
    expect(effects).toContainEqual({ kind: 'close', conn: 'c1' });
    expect(log).toContain('transportRefused');
    expect(state.conns.get('c1')?.registered).toBeUndefined();
  });

  it('takes it over a plain stream from the same address', () => {
    const { lines, state } = serve();
    expect(lines[0]).toBe('FEDERATE-CONFIRM home');
    expect(state.conns.get('c1')?.registered).toBe('server');
  });
});
