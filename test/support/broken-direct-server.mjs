// A small direct-dialect server with two deliberate bugs, for the checker's tests: LIST-OK in code-point order
// instead of login order, and SEND-OK before the DELIVERY of a message to oneself (as the course's reference
// server does). Everything else follows docs/protocols/direct.md. Prints its port, then serves until killed.
// Usage: node broken-direct-server.mjs [maxUsers]
import { createServer } from 'node:net';

const maxUsers = Number(process.argv[2] ?? 16);
const users = new Map(); // name → socket

const server = createServer((socket) => {
  let name;
  let buffer = '';
  let done = false;
  const say = (line) => socket.write(line + '\n');
  const refuse = (line) => { say(line); done = true; socket.end(); };

  function handle(line) {
    const space = / +/.exec(line);
    const verb = space ? line.slice(0, space.index) : line;
    const rest = space ? line.slice(space.index + space[0].length) : '';
    if (verb === 'HELLO-FROM') {
      if (name) return say('BAD-RQST-HDR');
      if (!/^[^\s,\x00-\x1f]+$/.test(rest)) return refuse('BAD-RQST-BODY');
      if (users.has(rest)) return refuse('IN-USE');
      if (users.size >= maxUsers) return refuse('BUSY');
      name = rest;
      users.set(name, socket);
      return say(`HELLO ${name}`);
    }
    if (!name) return refuse('BAD-RQST-HDR');
    if (verb === 'LIST') return say(rest.trim() ? 'BAD-RQST-BODY' : `LIST-OK ${[...users.keys()].sort().join(',')}`); // bug: not login order
    if (verb === 'SEND') {
      const body = /^(\S+) +(.*)$/.exec(rest);
      if (!body || body[2].trim() === '') return say('BAD-RQST-BODY');
      const to = users.get(body[1]);
      if (!to) return say('BAD-DEST-USER');
      if (to === socket) say('SEND-OK'); // bug: SEND-OK before the DELIVERY to oneself
      to.write(`DELIVERY ${name} ${body[2].trim()}\n`);
      if (to !== socket) say('SEND-OK');
      return;
    }
    say('BAD-RQST-HDR');
  }

  socket.setEncoding('utf8');
  socket.on('data', (chunk) => {
    buffer += chunk;
    let newline;
    while (!done && (newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      handle(line);
    }
  });
  socket.on('close', () => { if (name && users.get(name) === socket) users.delete(name); });
  socket.on('error', () => {});
});

server.listen(0, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${server.address().port}`));
