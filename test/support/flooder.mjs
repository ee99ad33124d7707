// A flooding client in its own process, so its writing never slows the test's own clients:
// `node flooder.mjs PORT FIRST-LINE LINE [MAX-LINES]` sends FIRST-LINE, then LINE as fast as the socket
// takes it until the server closes or MAX-LINES were written; prints one JSON summary line, then exits.
import { connect } from 'node:net';

const [port, first, line, most = '2000000'] = process.argv.slice(2);
const socket = connect({ port: Number(port), host: '127.0.0.1' });
const chunk = `${line}\n`.repeat(1000);
let sent = 0;
let received = '';
let closed = false;
socket.setEncoding('utf8');
socket.on('data', (text) => { received += text.slice(-4096); received = received.slice(-8192); });
socket.on('error', () => {});
socket.on('close', () => {
  closed = true;
  const lines = received.split('\n').filter(Boolean);
  process.stdout.write(JSON.stringify({ sent, last: lines.at(-1) ?? null }) + '\n');
  process.exit(0);
});
socket.once('connect', () => {
  socket.write(`${first}\n`);
  const pump = () => {
    while (!closed && sent < Number(most)) {
      sent += 1000;
      if (!socket.write(chunk)) return void socket.once('drain', pump);
    }
    if (!closed) socket.end();
  };
  pump();
});
