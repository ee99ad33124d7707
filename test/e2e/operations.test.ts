// What an operator runs beside the chat: the Prometheus endpoint and the TLS listener.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { HAS_OPENSSL, selfSigned } from '../support/certificate.js';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LineQueue } from '../../streams/cli/replay/transport.js';
import { runServerToExit, type ServerProcess } from '../support/server.js';
import { ask, channelsUser, cleanup, cleanupAll, client, directUser, until, messengerUser, server } from '../support/process.js';

afterEach(cleanup);
afterAll(cleanupAll);

const metricsUrl = (s: ServerProcess) => {
  const port = /metrics on http:\/\/[^\s]+:(\d+)\/metrics/.exec(s.stdout())?.[1];
  expect(port, s.stdout()).toBeDefined();
  return `http://127.0.0.1:${port}/metrics`;
};

/** Every sample of the scrape: `name{labels}` → value. */
async function scrape(url: string): Promise<Map<string, number>> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    const match = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) samples.set(match[1]!, Number(match[2]));
  }
  return samples;
}

describe('the Prometheus endpoint', () => {
  it('is off unless --metrics-port is given', async () => {
    const s = await server();
    expect(s.stdout()).not.toMatch(/metrics on/);
  });

  it('counts connections by dialect, users, channels, lines, deliveries, disconnects, rate-limited lines, links and loop lag', async () => {
    // a rate of 1 line a second after a burst of 4: the fifth line of a quick five waits its turn
    const s = await server({ args: ['--metrics-port', '0'], env: { CHAT_RATE_LIMIT: '1', CHAT_RATE_BURST: '4' } });
    const url = metricsUrl(s);
    const carl = await channelsUser(s.port, 'carl');
    expect(await ask(carl, 'CREATE lobby')).toBe('RESULT CREATE lobby 1');
    await directUser(s.port, 'dora');
    const mia = await messengerUser(s.port, 'mia');
    const max = await messengerUser(s.port, 'max');
    expect(await mia.next()).toBe('JOINED max');
    const undecided = await client(s.port);
    mia.send('BROADCAST hi');
    expect(await mia.next()).toBe('BROADCAST mia hi');
    expect(await max.next()).toBe('BROADCAST mia hi');
    // five lines at once against a burst of four: the fifth waits for its token (a second)
    const eve = await client(s.port);
    eve.raw('CHANNELS\nCHANNELS\nCHANNELS\nCHANNELS\nCHANNELS\n');
    for (let i = 0; i < 5; i++) expect(await eve.next()).toBe('RESULT CHANNELS lobby');
    undecided.close();
    await until(async () => (await scrape(url)).get('chat_disconnects_total{reason="client_closed"}') === 1, 'the closed connection is counted');

    const m = await scrape(url);
    expect(m.get('chat_connections{dialect="messenger"}')).toBe(2);
    expect(m.get('chat_connections{dialect="channels"}')).toBe(2);
    expect(m.get('chat_connections{dialect="direct"}')).toBe(1);
    expect(m.get('chat_users_online')).toBe(4);
    expect(m.get('chat_channels')).toBe(1);
    expect(m.get('chat_lines_in_total')).toBeGreaterThanOrEqual(9);
    expect(m.get('chat_lines_out_total')).toBeGreaterThanOrEqual(m.get('chat_lines_in_total')!);
    expect(m.get('chat_deliveries_total')).toBe(3); // JOINED max to mia, the broadcast to mia and max
    expect(m.get('chat_rate_limit_delays_total')).toBe(1);
    expect(m.get('chat_send_queue_drops_total')).toBe(0);
    expect(m.get('chat_federation_links_up')).toBe(0);
    expect(m.get('nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('a metrics port in use is one line and exit 1, before Server is on', async () => {
    const occupier: Server = createServer();
    await new Promise<void>((done) => occupier.listen(0, '127.0.0.1', done));
    try {
      const { port } = occupier.address() as { port: number };
      const result = await runServerToExit(['--port', '0', '--metrics-port', String(port)]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`chat-server: metrics port ${port} is in use — pass --metrics-port or set CHAT_METRICS_PORT\n`);
      expect(result.stdout).not.toContain('Server is on');
    } finally {
      await new Promise<void>((done) => occupier.close(() => done()));
    }
  });
});

describe.skipIf(!HAS_OPENSSL)(HAS_OPENSSL ? 'the TLS listener' : 'the TLS listener — SKIPPED: openssl is not installed (.ci/run installs it)', () => {
  it('serves the same dialects and the same users over TLS, checked by a real TLS client', async () => {
    const { cert, key } = selfSigned();
    const s = await server({ args: ['--tls-cert', cert, '--tls-key', key, '--tls-port', '0'] });
    const tlsPort = Number(/listening for TLS on [^\s]+:(\d+)/.exec(s.stdout())?.[1]);
    const plainUser = await messengerUser(s.port, 'pia');

    const socket = tlsConnect({ host: '127.0.0.1', port: tlsPort, ca: readFileSync(cert), servername: 'localhost' });
    const lines = new LineQueue();
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => lines.push(chunk));
    socket.on('close', () => lines.end());
    await new Promise<void>((done, fail) => { socket.once('secureConnect', done); socket.once('error', fail); });
    try {
      expect(socket.authorized).toBe(true);
      socket.write('NAME tia\n');
      expect(await lines.next(3000)).toMatch(/^WELCOME tia Welcome, tia! 1 other user is here/);
      expect(await plainUser.next()).toBe('JOINED tia');
      plainUser.send('WHISPER tia over plain TCP');
      expect(await lines.next(3000)).toBe('WHISPER pia tia over plain TCP');
    } finally {
      socket.destroy();
    }
  });

  it('a TLS key file that cannot be read is one line and exit 1, before Server is on', async () => {
    const { cert } = selfSigned();
    const result = await runServerToExit(['--port', '0', '--tls-cert', cert, '--tls-key', '/nonexistent/key.pem']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^chat-server: cannot read the TLS key \/nonexistent\/key\.pem: .* — pass --tls-key or set CHAT_TLS_KEY\n$/);
    expect(result.stdout).not.toContain('Server is on');
  });
});

describe('TLS settings', () => {
  it('a certificate without its key is one line and exit 2', async () => {
    const result = await runServerToExit(['--port', '0', '--tls-cert', 'cert.pem']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('chat-server: TLS needs both a certificate and its key, got only the certificate (from --tls-cert) — pass --tls-cert and --tls-key, or set CHAT_TLS_CERT and CHAT_TLS_KEY\n');
  });
});
