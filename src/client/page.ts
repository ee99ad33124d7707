// The web page as one pure function, like the terminal client's session: update(state, input) → {state, out}.
// web/app.js feeds it what the WebSocket and the person do, and carries out the outputs (send a line, show
// a line, go back to the login form, reconnect). It also runs in the browser, served from the build under
// /client/, so it imports nothing but its neighbours.
import { readChannels, readMessenger, type ServerEvent } from './read.js';

/** A page speaks one dialect: messenger (a name, everyone in one room) or channels (an account, channels). */
export type PageMode = 'messenger' | 'channels';

/** out: the login form; loggingIn: waiting for WELCOME or RESULT LOGIN; in: chatting; reconnecting: the connection dropped. */
export type PagePhase = 'out' | 'loggingIn' | 'in' | 'reconnecting';

export interface PageState {
  readonly mode: PageMode;
  readonly phase: PagePhase;
  /** messenger: our name (the server may rename us); channels: the account. */
  readonly me: string;
  /** channels: kept in memory only, to log in again after a reconnect. */
  readonly password: string;
  /** channels: create the account before the first login. */
  readonly register: boolean;
  /** Whether a login succeeded on this page: a later connection logs in again by itself. */
  readonly wasIn: boolean;
  /** messenger: who is online, as the server listed them, newcomers last. */
  readonly online: readonly string[];
  /** channels: every channel, and the ones we are in. */
  readonly channels: readonly string[];
  readonly joined: readonly string[];
  /** channels: where text goes, the channel joined or picked last. */
  readonly current?: string;
}

export type PageInput =
  | { readonly kind: 'open' }
  | { readonly kind: 'line'; readonly text: string }
  | { readonly kind: 'closed' }
  /** Text typed in the box; `to` whispers it to one user (messenger). */
  | { readonly kind: 'say'; readonly text: string; readonly to?: string }
  | { readonly kind: 'rename'; readonly name: string }
  | { readonly kind: 'create'; readonly channel: string }
  /** Join a channel, or talk in it when we are in it already. */
  | { readonly kind: 'pick'; readonly channel: string }
  | { readonly kind: 'refresh' }
  | { readonly kind: 'leave' };

/** One line of the conversation. `private` marks a whisper; `channel` a channel message. */
export type ShownLine =
  | { readonly kind: 'chat'; readonly from: string; readonly text: string; readonly to?: string; readonly channel?: string }
  | { readonly kind: 'notice'; readonly text: string }
  | { readonly kind: 'problem'; readonly text: string };

export type PageOutput =
  | { readonly kind: 'send'; readonly line: string }
  | { readonly kind: 'show'; readonly line: ShownLine }
  /** The login did not work: close the connection and show the form with this reason. */
  | { readonly kind: 'refused'; readonly reason: string }
  /** The connection dropped after a login: open a new one after a while. */
  | { readonly kind: 'reconnect' }
  /** Close the connection: we are done. */
  | { readonly kind: 'hangup' };

export interface PageStep {
  readonly state: PageState;
  readonly out: readonly PageOutput[];
}

export function pageState(mode: PageMode, me: string, password = '', register = false): PageState {
  return { mode, phase: 'loggingIn', me, password, register, wasIn: false, online: [], channels: [], joined: [] };
}

const send = (line: string): PageOutput => ({ kind: 'send', line });
const notice = (text: string): PageOutput => ({ kind: 'show', line: { kind: 'notice', text } });
const problem = (text: string): PageOutput => ({ kind: 'show', line: { kind: 'problem', text } });
const step = (state: PageState, ...out: PageOutput[]): PageStep => ({ state, out });
const refused = (state: PageState, reason: string): PageStep => step({ ...state, phase: 'out' }, { kind: 'refused', reason });
const without = (list: readonly string[], name: string) => list.filter((item) => item !== name);
/** A line is one line: a newline pasted into the box would end it early. */
const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ');

export function update(state: PageState, input: PageInput): PageStep {
  if (state.phase === 'out') return step(state);
  switch (input.kind) {
    case 'open':
      return step({ ...state, phase: 'loggingIn' }, ...login(state));
    case 'closed':
      if (!state.wasIn) return refused(state, 'could not reach the chat server, or it closed the connection');
      return step({ ...state, phase: 'reconnecting' }, ...(state.phase === 'in' ? [notice('Connection lost; reconnecting…')] : []), { kind: 'reconnect' });
    case 'line':
      return state.mode === 'messenger' ? messengerLine(state, readMessenger(input.text)) : channelsLine(state, readChannels(input.text));
    case 'say':
      return say(state, oneLine(input.text), input.to);
    case 'rename':
    case 'create':
    case 'pick':
    case 'refresh':
      // until the login is answered there is no chat to act in (a CREATE before RESULT LOGIN would be refused)
      return state.phase === 'in' ? chatAction(state, input) : step(state);
    case 'leave':
      // messenger says QUIT and the server answers BYE and closes; channels has no goodbye
      return step({ ...state, phase: 'out' }, ...(state.mode === 'messenger' && state.phase === 'in' ? [send('QUIT')] : [{ kind: 'hangup' } as const]));
  }
}

function chatAction(state: PageState, input: Extract<PageInput, { kind: 'rename' | 'create' | 'pick' | 'refresh' }>): PageStep {
  switch (input.kind) {
    case 'rename':
      return input.name === '' || input.name === state.me ? step(state) : step(state, send(`NAME ${oneLine(input.name)}`));
    case 'create':
      return input.channel === '' ? step(state) : step(state, send(`CREATE ${oneLine(input.channel)}`));
    case 'pick':
      return state.joined.includes(input.channel) ? step({ ...state, current: input.channel }) : step(state, send(`JOIN ${oneLine(input.channel)}`));
    case 'refresh':
      return step(state, send('CHANNELS'));
  }
}

function login(state: PageState): PageOutput[] {
  if (state.mode === 'messenger') return [send(`NAME ${state.me}`)];
  return [send(state.register && !state.wasIn ? `REGISTER ${state.me} ${state.password}` : `LOGIN ${state.me} ${state.password}`)];
}

function say(state: PageState, text: string, to: string | undefined): PageStep {
  if (text.trim() === '' || state.phase !== 'in') return step(state);
  if (state.mode === 'messenger') return step(state, send(to ? `WHISPER ${to} ${text}` : `BROADCAST ${text}`));
  return state.current ? step(state, send(`SAY ${state.current} ${text}`)) : step(state, problem('Join a channel first: pick one on the left, or create one.'));
}

/** Logged in: a first login greets, a later one says we are back. */
function loggedIn(state: PageState, greeting: string): PageStep {
  return step({ ...state, phase: 'in', wasIn: true }, notice(state.wasIn ? `Reconnected as ${state.me}.` : greeting));
}

function messengerLine(state: PageState, event: ServerEvent): PageStep {
  switch (event.kind) {
    case 'welcome': {
      // the server's greeting names the terminal client's /help; the page has buttons instead
      const me = event.name || state.me;
      const named = loggedIn({ ...state, me }, `Welcome, ${me}! Write below to talk to everyone, or pick a name to whisper.`);
      return step(named.state, ...named.out, send('USERS'));
    }
    // messenger: until WELCOME an ERROR refuses the name; after it, it answers one line
    case 'error':
      return state.phase === 'in' ? step(state, problem(event.text)) : refused(state, event.text);
    case 'broadcast':
      return step(state, { kind: 'show', line: { kind: 'chat', from: event.from, text: event.text } });
    case 'whisper':
      return step(state, { kind: 'show', line: { kind: 'chat', from: event.from, to: event.to, text: event.text } });
    case 'users':
      return step({ ...state, online: event.names });
    case 'joined':
      return step({ ...state, online: [...without(state.online, event.name), event.name] }, notice(`${event.name} joined`));
    case 'left':
      return step({ ...state, online: without(state.online, event.name) }, notice(`${event.name} left${event.lost ? ' (connection lost)' : ''}`));
    case 'renamed': {
      const online = state.online.map((name) => (name === event.from ? event.to : name));
      return step({ ...state, online, me: state.me === event.from ? event.to : state.me }, notice(`${event.from} is now ${event.to}`));
    }
    case 'bye':
      return step({ ...state, phase: 'out' }, notice(event.text));
    default:
      return shownAsItCame(state, event);
  }
}

function channelsLine(state: PageState, event: ServerEvent): PageStep {
  switch (event.kind) {
    case 'said':
      return step(state, { kind: 'show', line: { kind: 'chat', from: event.from, channel: event.channel, text: event.text } });
    case 'channels':
      return step({ ...state, channels: event.names });
    case 'result':
      return channelsResult(state, event.what, event.ok, event.subject);
    default:
      return shownAsItCame(state, event);
  }
}

function channelsResult(state: PageState, what: string, ok: boolean, subject: string | undefined): PageStep {
  switch (what) {
    case 'REGISTER':
      return ok ? step(state, notice(`Account ${state.me} created.`), send(`LOGIN ${state.me} ${state.password}`))
        : refused(state, `could not create the account ${state.me}: the name is taken or not valid`);
    case 'LOGIN': {
      if (!ok) return refused(state, 'login failed: wrong name or password, or that account is logged in elsewhere');
      // channels: membership lasts for a session, so after a reconnect we join our channels again
      const back = loggedIn(state, `Logged in as ${state.me}.`);
      return step(back.state, ...back.out, send('CHANNELS'), ...state.joined.map((channel) => send(`JOIN ${channel}`)));
    }
    case 'CREATE':
      return ok ? step(state, notice(`Created #${subject}.`), send(`JOIN ${subject}`), send('CHANNELS'))
        : step(state, problem(`Could not create #${subject}: it exists already, or the name is not valid.`));
    case 'JOIN': {
      if (subject === undefined) return step(state);
      // a channel we are in already was joined again after a reconnect: nothing changes for the person
      const again = state.joined.includes(subject);
      if (!ok) {
        const current = state.current === subject ? undefined : state.current;
        return step({ ...state, joined: without(state.joined, subject), current }, problem(`Could not ${again ? 'rejoin' : 'join'} #${subject}.`));
      }
      return again ? step(state) : step({ ...state, joined: [...state.joined, subject], current: subject }, notice(`Joined #${subject}; what you type now goes there.`));
    }
    case 'SAY':
      return step(state, problem('Not delivered: join the channel first.'));
    default:
      return step(state);
  }
}

function shownAsItCame(state: PageState, event: ServerEvent): PageStep {
  return event.kind === 'other' && event.line !== '' ? step(state, notice(event.line)) : step(state);
}
