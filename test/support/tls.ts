// TLS for the tests: a self-signed certificate made with openssl, and a line client over TLS.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { LineQueue } from '../../streams/cli/replay/transport.js';
import { tempDir } from './server.js';

export const HAS_OPENSSL = spawnSync('openssl', ['version']).status === 0;

/** A self-signed certificate for 127.0.0.1 and localhost, made with openssl in a temp folder. */
export function selfSigned(): { cert: string; key: string } {
  const dir = tempDir();
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`openssl could not make a certificate: ${made.stderr}`);
  return { cert, key };
}

export interface TlsLineClient {
  send(line: string): void;
  next(timeoutMs?: number): Promise<string>;
  close(): void;
}

/** Connects over TLS (checking the certificate `cert`), from `localAddress` when given; rejects if the handshake does not finish in `timeoutMs`. */
export function connectTls(port: number, cert: string, localAddress?: string, timeoutMs = 5000): Promise<TlsLineClient> {
  const socket = connect({ host: '127.0.0.1', port, ca: readFileSync(cert), servername: 'localhost', ...(localAddress ? { localAddress } : {}) });
  const lines = new LineQueue();
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => lines.push(chunk));
  socket.on('close', () => lines.end());
  socket.on('error', () => {});
  return new Promise((done, fail) => {
    const timer = setTimeout(() => { socket.destroy(); fail(new Error(`no TLS handshake within ${timeoutMs} ms`)); }, timeoutMs);
    socket.once('close', () => { clearTimeout(timer); fail(new Error('the server closed the TLS connection before the handshake')); });
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      done({ send: (line) => socket.write(`${line}\n`), next: (ms = 3000) => lines.next(ms), close: () => socket.destroy() });
    });
  });
}
