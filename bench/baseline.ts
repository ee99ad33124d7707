// The simplest possible broadcast server: every line goes to every socket. No parsing, no state, no
// pipeline. The benchmark runs it beside the real server so each result reads as a ratio to it.
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

const sockets = new Set<Socket>();
const server = createServer((socket) => {
  sockets.add(socket);
  socket.setNoDelay(true);
  socket.write('WELCOME\n'); // so a client knows it is counted in before it measures
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline + 1);
      buffer = buffer.slice(newline + 1);
      for (const other of sockets) other.write(line);
    }
  });
  socket.on('error', () => {});
  socket.on('close', () => sockets.delete(socket));
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on 127.0.0.1:${(server.address() as AddressInfo).port}\nServer is on\n`);
});
process.on('SIGTERM', () => process.exit(0));
