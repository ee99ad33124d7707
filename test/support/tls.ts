// TLS for the tests: a line client over TLS (and, from certificate.ts, a self-signed certificate).
import { readFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { LineQueue } from '../../streams/cli/replay/transport.js';

export { HAS_OPENSSL, selfSigned } from './certificate.js';

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
