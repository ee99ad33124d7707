// Everything the page puts on screen. Text from the server or from people only ever becomes text nodes
// (textContent, createTextNode): a message like <img src=x onerror=alert(1)> shows as those characters.

/** The conversation keeps this many lines; older ones are removed so a tab open for days stays light. */
const MAX_SHOWN_LINES = 2000;

const $ = (id) => document.getElementById(id);

/** An element with a class and children; strings become text nodes, never markup. */
function el(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const child of children) node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  return node;
}

const twoDigits = (n) => String(n).padStart(2, '0');

function timeOf(date) {
  const time = el('time', '', `${twoDigits(date.getHours())}:${twoDigits(date.getMinutes())}`);
  time.dateTime = date.toISOString();
  return time;
}

export function showLogin(problem) {
  $('chat').hidden = true;
  $('login').hidden = false;
  $('leave').hidden = true;
  $('status').textContent = 'not connected';
  $('login-problem').hidden = !problem;
  $('login-problem').textContent = problem ? `Could not join: ${problem}` : '';
}

export function showChat(mode) {
  $('login').hidden = true;
  $('chat').hidden = false;
  $('leave').hidden = false;
  $('log').replaceChildren();
  document.body.dataset.mode = mode;
  $('people-panel').hidden = mode !== 'messenger';
  $('channels-panel').hidden = mode !== 'channels';
  $('to').hidden = mode !== 'messenger';
  $('where').hidden = mode !== 'channels';
  $('text').focus();
}

export function setStatus(text) {
  $('status').textContent = text;
}

/** Adds one line of the conversation, with the time it arrived; keeps the view at the bottom if it was there. */
export function showLine(line, me, date) {
  const log = $('log');
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  const item = line.kind === 'chat' ? chatItem(line, me) : el('li', line.kind, el('span', 'text', line.text));
  item.prepend(timeOf(date), ' ');
  log.append(item);
  while (log.childElementCount > MAX_SHOWN_LINES) log.firstElementChild.remove();
  if (atBottom) log.scrollTop = log.scrollHeight;
}

function chatItem({ from, to, channel, text }, me) {
  const classes = ['chat', to !== undefined ? 'whisper' : '', from === me ? 'mine' : ''].filter(Boolean).join(' ');
  const who = to !== undefined ? `${from} → ${to}` : from;
  return el('li', classes,
    ...(channel !== undefined ? [el('span', 'channel', `#${channel}`), ' '] : []),
    ...(to !== undefined ? [el('span', 'tag', 'whisper'), ' '] : []),
    el('span', 'who', who), ' ',
    el('span', 'text', text));
}

/** The side panel and the send box, from the page's state. `choose` is called with a name or channel clicked. */
export function showState(state, { pickPerson, pickChannel }) {
  if (state.mode === 'messenger') {
    $('people-count').textContent = `(${state.online.length})`;
    $('people').replaceChildren(...state.online.map((name) => {
      const button = el('button', 'name', name, ...(name === state.me ? [el('span', 'you', ' (you)')] : []));
      button.type = 'button';
      button.title = name === state.me ? 'you' : `whisper to ${name}`;
      button.addEventListener('click', () => pickPerson(name));
      return el('li', '', button);
    }));
    const to = $('to');
    const chosen = to.value;
    const others = state.online.filter((name) => name !== state.me);
    to.replaceChildren(el('option', '', 'Everyone'), ...others.map((name) => el('option', '', `Whisper to ${name}`)));
    to.options[0].value = '';
    others.forEach((name, i) => { to.options[i + 1].value = name; });
    to.value = others.includes(chosen) ? chosen : '';
  } else {
    $('channel-list').replaceChildren(...state.channels.map((channel) => {
      const joined = state.joined.includes(channel);
      const button = el('button', ['name', joined ? 'joined' : '', channel === state.current ? 'current' : ''].filter(Boolean).join(' '), `#${channel}`);
      button.type = 'button';
      button.title = joined ? `talk in #${channel}` : `join #${channel}`;
      button.addEventListener('click', () => pickChannel(channel));
      return el('li', '', button);
    }));
    $('where').textContent = state.current ? `#${state.current}` : 'no channel yet';
  }
}

/** Chooses whom the next message goes to (messenger). */
export function chooseRecipient(name) {
  const to = $('to');
  to.value = [...to.options].some((option) => option.value === name) ? name : '';
  $('text').focus();
}
