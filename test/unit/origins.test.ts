// Which pages may open a WebSocket: no Origin (not a browser page), the server's own page, the allow-list.
import { describe, expect, it } from 'vitest';
import { originAllowed } from '../../src/config/origins.js';

describe('the Origin check', () => {
  it('lets clients that send no Origin connect: programs and terminal tools, as on the TCP port', () => {
    expect(originAllowed(undefined, '127.0.0.1:5380', [])).toBe(true);
  });

  it('lets the page this server serves connect, whatever the scheme (a TLS proxy in front keeps the Host)', () => {
    expect(originAllowed('http://127.0.0.1:5380', '127.0.0.1:5380', [])).toBe(true);
    expect(originAllowed('https://chat.example.org', 'chat.example.org', [])).toBe(true);
    expect(originAllowed('http://[::1]:5380', '[::1]:5380', [])).toBe(true);
    expect(originAllowed('http://chat.example.org', 'Chat.Example.org', [])).toBe(true);
  });

  it('refuses another site\'s page, another port of the same host, and opaque origins', () => {
    expect(originAllowed('https://evil.example', '127.0.0.1:5380', [])).toBe(false);
    expect(originAllowed('http://127.0.0.1:5381', '127.0.0.1:5380', [])).toBe(false);
    expect(originAllowed('null', '127.0.0.1:5380', [])).toBe(false);
    expect(originAllowed('http://127.0.0.1:5380', undefined, [])).toBe(false);
  });

  it('lets the listed origins connect, and with * any', () => {
    expect(originAllowed('https://club.example.org', '127.0.0.1:5380', ['https://club.example.org'])).toBe(true);
    expect(originAllowed('https://other.example.org', '127.0.0.1:5380', ['https://club.example.org'])).toBe(false);
    expect(originAllowed('https://other.example.org', '127.0.0.1:5380', ['*'])).toBe(true);
  });
});
