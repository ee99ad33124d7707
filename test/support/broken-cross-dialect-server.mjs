// A small server of all three dialects, each on a port of its own, over one shared state, with one deliberate
// bug for the checker's tests: each dialect keeps its own list of taken names, so a name online in one dialect
// is still free in the others (docs/protocols/cross-dialect.md says it is taken). Messages, lists and presence
// cross the dialects as that spec says. Prints its ports, then serves until killed.
import { createServer } from 'node:net';

const online = []; // { name, dialect, write } in login order
const taken = { direct: new Set(), messenger: new Set(), channels: new Set() }; // the bug: one list per dialect
const accounts = new Map(); // channels: name → password
const messengers = () => online.filter((u) => u.dialect === 'messenger');
const reachable = (name) => online.find((u) => u.name === name && u.dialect !== 'channels');
const isName = (name) => /^[^\s,@:\x00-\x1f]+$/.test(name) && [...name].length <= 64;

function deliver(from, to, text) {
  to.write(to.dialect === 'direct' ? `DELIVERY ${from} ${text}` : `WHISPER ${from} ${to.name} ${text}`);
}

function logIn(user) {
  for (const m of messengers()) m.write(`JOINED ${user.name}`);
  online.push(user);
  taken[user.dialect].add(user.name);
}

function logOut(user) {
  const at = online.indexOf(user);
  if (at < 0) return;
  online.splice(at, 1);
  taken[user.dialect].delete(user.name);
  for (const m of messengers()) m.write(`LEFT ${user.name} quit`);
}

const dialects = {
  direct(user, verb, rest, close) {
    if (verb === 'HELLO-FROM' && !user.name) {
      if (!isName(rest)) return close('BAD-RQST-BODY');
      if (taken.direct.has(rest)) return close('IN-USE');
      user.name = rest;
      logIn(user);
      return user.write(`HELLO ${rest}`);
    }
    if (!user.name) return close('BAD-RQST-HDR');
    if (verb === 'LIST') return user.write(`LIST-OK ${online.map((u) => u.name).join(',')}`);
    if (verb === 'SEND') {
      const space = rest.indexOf(' ');
      const to = reachable(space < 0 ? rest : rest.slice(0, space));
      if (!to) return user.write('BAD-DEST-USER');
      deliver(user.name, to, rest.slice(space + 1).trim());
      return user.write('SEND-OK');
    }
    return user.write('BAD-RQST-HDR');
  },
  messenger(user, verb, rest, close) {
    if (verb === 'QUIT') return close(`BYE Goodbye, ${user.name ?? 'stranger'}.`);
    if (verb === 'NAME') {
      if (taken.messenger.has(rest)) return user.write(`ERROR NAME-TAKEN ${rest} is already taken`);
      if (!user.name) {
        user.name = rest;
        logIn(user);
        return user.write(`WELCOME ${rest} Welcome, ${rest}!`);
      }
      const old = user.name;
      taken.messenger.delete(old);
      taken.messenger.add((user.name = rest));
      for (const m of messengers()) m.write(`RENAMED ${old} ${rest}`);
      return;
    }
    if (!user.name) return user.write('ERROR NAME-REQUIRED send NAME first');
    if (verb === 'USERS') return user.write(`USERS ${online.map((u) => u.name).sort().join(', ')}`);
    if (verb === 'BROADCAST') {
      for (const m of messengers()) m.write(`BROADCAST ${user.name} ${rest}`);
      return;
    }
    if (verb === 'WHISPER') {
      const space = rest.indexOf(' ');
      const name = space < 0 ? rest : rest.slice(0, space);
      const to = reachable(name);
      if (!to) return user.write(`ERROR NO-SUCH-USER ${name} is not online`);
      deliver(user.name, to, rest.slice(space + 1));
      if (to !== user) user.write(`WHISPER ${user.name} ${to.name} ${rest.slice(space + 1)}`);
      return;
    }
    return user.write('ERROR UNKNOWN-COMMAND');
  },
  channels(user, verb, rest) {
    const [name, password] = rest.split(' ');
    if (verb === 'REGISTER') {
      const ok = isName(name) && password !== undefined && !accounts.has(name) && !taken.channels.has(name);
      if (ok) accounts.set(name, password);
      return user.write(`RESULT REGISTER ${ok ? 1 : 0}`);
    }
    if (verb === 'LOGIN') {
      const ok = !user.name && accounts.get(name) === password && !taken.channels.has(name);
      if (ok) logIn(Object.assign(user, { name }));
      return user.write(`RESULT LOGIN ${ok ? 1 : 0}`);
    }
    if (verb === 'JOIN') return user.write(`RESULT JOIN ${name} 0`); // no channels at all
  },
};

function serve(dialect) {
  return createServer((socket) => {
    const user = { dialect, name: undefined, write: (line) => socket.write(line + '\n') };
    const close = (line) => { user.write(line); socket.end(); };
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      buffer += chunk;
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, '');
        buffer = buffer.slice(newline + 1);
        const space = line.indexOf(' ');
        dialects[dialect](user, space < 0 ? line : line.slice(0, space), space < 0 ? '' : line.slice(space + 1), close);
      }
    });
    socket.on('close', () => { if (user.name) logOut(user); });
    socket.on('error', () => {});
  });
}

const listening = await Promise.all(['direct', 'messenger', 'channels'].map((dialect) => new Promise((resolve) => {
  const server = serve(dialect).listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${server.address().port} ${dialect}`));
})));
console.log(`listening on ${listening.join(', ')}`);
