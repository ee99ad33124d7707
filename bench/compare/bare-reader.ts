// `node dist/bench/compare/bare-reader.js`: the floor for memory per connection in Node. It accepts
// sockets on 127.0.0.1 (a free port, printed as "listening on 127.0.0.1:PORT") and only reads them: no
// framing, no state, no writes. bench compare runs it beside the servers to say how much of this server's
// RSS per connection is Node's own and how much is ours.
import { createServer } from 'node:net';

const server = createServer((socket) => {
  socket.on('data', () => {}); // read and drop: a flowing socket, as a server's would be
  socket.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  console.log(`listening on 127.0.0.1:${port}`);
});
process.on('SIGTERM', () => process.exit(0));
