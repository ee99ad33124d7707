// A small channels-dialect server with one deliberate bug, for the checker's tests: a second JOIN of a channel
// answers 1 (the spec says 0). Everything else follows docs/protocols/channels.md, in memory. Prints its port,
// then serves until killed.
import { createServer } from 'node:net';

const accounts = new Map(); // name → password
const online = new Map(); // name → socket
const channels = new Map(); // name → Set of member names
const isName = (name) => name !== '' && !/[\s@:]/u.test(name) && [...name].length <= 64;

const server = createServer((socket) => {
  let user;
  let buffer = '';
  const say = (line) => socket.write(line + '\n');

  function handle(line) {
    const [verb, ...args] = line.split(' ');
    if (verb === 'REGISTER') {
      const ok = args.length === 2 && isName(args[0]) && !accounts.has(args[0]);
      if (ok) accounts.set(args[0], args[1]);
      return say(`RESULT REGISTER ${ok ? 1 : 0}`);
    }
    if (verb === 'LOGIN') {
      const ok = args.length === 2 && !user && accounts.get(args[0]) === args[1] && !online.has(args[0]);
      if (ok) online.set((user = args[0]), socket);
      return say(`RESULT LOGIN ${ok ? 1 : 0}`);
    }
    if (verb === 'CREATE' || verb === 'JOIN') {
      if (args.length !== 1) return say(`RESULT ${verb} 0`);
      const [name] = args;
      let ok;
      if (verb === 'CREATE') {
        ok = Boolean(user) && isName(name) && !channels.has(name);
        if (ok) channels.set(name, new Set());
      } else {
        ok = Boolean(user) && channels.has(name); // bug: a member joining again gets 1
        if (ok) channels.get(name).add(user);
      }
      return say(`RESULT ${verb} ${name} ${ok ? 1 : 0}`);
    }
    if (verb === 'SAY') {
      const text = args.slice(1).join(' ');
      const members = channels.get(args[0] ?? '');
      if (!user || !members?.has(user) || text === '') return say('RESULT SAY 0');
      for (const member of members) online.get(member)?.write(`RECV ${user} ${args[0]} ${text}\n`);
      return;
    }
    if (verb === 'CHANNELS') return say(['RESULT CHANNELS', [...channels.keys()].sort().join(', ')].join(' ').trimEnd());
    // anything else is ignored
  }

  socket.setEncoding('utf8');
  socket.on('data', (chunk) => {
    buffer += chunk;
    let newline;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      handle(line);
    }
  });
  socket.on('close', () => {
    if (!user) return;
    online.delete(user);
    for (const members of channels.values()) members.delete(user);
  });
  socket.on('error', () => {});
});

server.listen(0, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${server.address().port}`));
