// The terminal client's pure model: what happens to it (events), what it remembers (state) and what it
// asks the I/O driver to do (outputs). `update` in session.ts is `(state, event) → {state, out}`.

export type ClientDialect = 'messenger' | 'channels' | 'direct';

/** connecting: waiting for the server to accept our name; chatting: the prompt is live; quitting: we said goodbye. */
export type Phase = 'connecting' | 'chatting' | 'quitting' | 'done';

export interface ClientState {
  readonly dialect: ClientDialect;
  /** Our name: the one we asked for at connect, then whatever the server says it became. */
  readonly me: string;
  /** channels only: whether LOGIN succeeded (there `me` is just the default for /login and /register). */
  readonly loggedIn: boolean;
  /** `host:port`, for messages a person reads. */
  readonly server: string;
  readonly phase: Phase;
  /** Where plain text goes: channels, the channel joined last; direct, the user written to last. */
  readonly target?: string;
  /** channels: names sent with LOGIN, oldest first; `RESULT LOGIN` does not repeat the name. */
  readonly pendingLogins: readonly string[];
  /** direct: messages sent and not yet acknowledged, oldest first; `SEND-OK` does not repeat them. `before`: the target before this send made `to` the target. */
  readonly pendingSends: readonly { readonly to: string; readonly text: string; readonly before?: string }[];
  /** channels: the next typed line is a password for this command, and is not shown while typed. */
  readonly asking?: { readonly verb: 'REGISTER' | 'LOGIN'; readonly user: string };
  /** Whether the server has said anything yet: a close before its first line is a refusal at the door. */
  readonly heard?: boolean;
}

export type ClientEvent =
  | { readonly kind: 'connected' }
  | { readonly kind: 'line'; readonly text: string }
  | { readonly kind: 'input'; readonly text: string }
  /** Ctrl-C, Ctrl-D, SIGTERM, SIGHUP: the user wants out. */
  | { readonly kind: 'leave' }
  /** The server closed the connection, `afterMs` after it was made (how long tells a login timeout from a refusal at the door). */
  | { readonly kind: 'closed'; readonly afterMs?: number };

export type Output =
  | { readonly kind: 'send'; readonly line: string }
  /** Text for the screen, printed above the prompt. */
  | { readonly kind: 'show'; readonly text: string }
  /** Close our side of the connection now (for dialects without a goodbye verb). */
  | { readonly kind: 'hangup' }
  /** Read the next typed line without showing it (a password), after this prompt. */
  | { readonly kind: 'askSecret'; readonly prompt: string }
  /** Stop the client; `error` goes to stderr. */
  | { readonly kind: 'exit'; readonly code: number; readonly error?: string };

export interface Step {
  readonly state: ClientState;
  readonly out: readonly Output[];
}

export const send = (line: string): Output => ({ kind: 'send', line });
export const show = (text: string): Output => ({ kind: 'show', text });
export const exit = (code: number, error?: string): Output => (error === undefined ? { kind: 'exit', code } : { kind: 'exit', code, error });

export function initialState(dialect: ClientDialect, me: string, server: string): ClientState {
  return { dialect, me, loggedIn: false, server, phase: 'connecting', pendingLogins: [], pendingSends: [] };
}
