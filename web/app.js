// The chat page: forms and buttons in, the WebSocket out and back. What to send and show is decided by the
// page's pure model (src/client/page.ts, built and served under /client/); this file carries it out.
import { reconnectDelay } from '/client/backoff.js';
import { pageState, update } from '/client/page.js';
import { openChatSocket } from './socket.js';
import { chooseRecipient, setStatus, showChat, showLine, showLogin, showState } from './view.js';

const MODE_NAMES = { messenger: 'everyone in one room', channels: 'channels' };

let state;
let socket;
let attempt = 0;
let retry;
/** The chat view appears once the server has answered the login, not before (the form stays until then). */
let chatShown = false;

function connect() {
  socket = openChatSocket({
    onOpen: () => apply({ kind: 'open' }),
    onLine: (text) => apply({ kind: 'line', text }),
    onClose: () => apply({ kind: 'closed' }),
  });
}

function start(initial) {
  clearTimeout(retry);
  socket?.close();
  state = initial;
  attempt = 0;
  chatShown = false;
  setStatus('connecting…');
  connect();
}

function stop(problem) {
  clearTimeout(retry);
  socket?.close();
  state = undefined;
  showLogin(problem);
}

/** Runs one input through the model and carries out what it says; returns the outputs. */
function apply(input) {
  if (!state) return [];
  const step = update(state, input);
  state = step.state;
  if (state.phase === 'in' && !chatShown) {
    chatShown = true;
    showChat(state.mode);
  }
  for (const output of step.out) {
    carryOut(output);
    if (!state) return step.out;
  }
  if (state.phase === 'in') {
    attempt = 0;
    setStatus(`${state.me} · ${MODE_NAMES[state.mode]}`);
  }
  showState(state, { pickPerson: chooseRecipient, pickChannel: (channel) => apply({ kind: 'pick', channel }) });
  if (state.phase === 'out') stop();
  return step.out;
}

function carryOut(output) {
  switch (output.kind) {
    case 'send':
      return socket.send(output.line);
    case 'show':
      return showLine(output.line, state.me, new Date());
    case 'refused':
      return stop(output.reason);
    case 'hangup':
      return stop();
    case 'reconnect': {
      const delay = reconnectDelay(attempt++, Math.random());
      setStatus(`connection lost — trying again in ${Math.ceil(delay / 1000)} s`);
      retry = setTimeout(connect, delay);
      return;
    }
  }
}

const sentSomething = (outputs) => outputs.some((output) => output.kind === 'send');

/** Binds a form's submit to `act(fields, button)`; when `act` says it sent something, the named fields are cleared. */
function onSubmit(id, act, clear = []) {
  const form = document.getElementById(id);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (act(form.elements, event.submitter)) for (const name of clear) form.elements[name].value = '';
  });
}

onSubmit('by-name', (fields) => start(pageState('messenger', fields.name.value.trim())));
onSubmit('by-account', (fields, button) => {
  start(pageState('channels', fields.user.value.trim(), fields.password.value, button?.value === 'register'));
  fields.password.value = '';
});
onSubmit('compose', (fields) => sentSomething(apply({ kind: 'say', text: fields.text.value, to: fields.to.value || undefined })), ['text']);
onSubmit('rename', (fields) => sentSomething(apply({ kind: 'rename', name: fields.name.value.trim() })), ['name']);
onSubmit('create', (fields) => sentSomething(apply({ kind: 'create', channel: fields.channel.value.trim() })), ['channel']);
document.getElementById('refresh').addEventListener('click', () => apply({ kind: 'refresh' }));
document.getElementById('leave').addEventListener('click', () => apply({ kind: 'leave' }));
