// Every line the messenger dialect sends, in one place (documented in protocol.txt).
import type { Msg } from '../../core/messages.js';

export type ErrorCode =
  | 'NAME-REQUIRED' | 'NAME-TAKEN' | 'NAME-INVALID' | 'NO-SUCH-USER' | 'UNKNOWN-COMMAND'
  | 'BAD-ARGUMENTS' | 'LINE-TOO-LONG' | 'SERVER-FULL' | 'SLOW-DOWN' | 'LOGIN-TIMEOUT';

export function welcome(name: string, online: number): string {
  const others = online - 1;
  const company = others === 0 ? 'nobody else is here yet' : others === 1 ? '1 other user is here' : `${others} other users are here`;
  return `WELCOME ${name} Welcome, ${name}! ${company}. Type HELP for commands.`;
}

/** messenger: the answer to HELP, one line naming every verb with its arguments (protocol.txt "HELP"). */
export const HELP_LINE = 'HELP NAME username, BROADCAST text, WHISPER user text, USERS, HELP, QUIT [reason]';

export const bye = (text: string) => `BYE ${text}`;
export const error = (code: ErrorCode, text: string) => `ERROR ${code} ${text}`;

const joined = new WeakMap<readonly string[], string>();
// messenger: sorted names joined by ", "; built once per version of the list
export function userList(names: readonly string[]): string {
  let line = joined.get(names);
  if (line === undefined) joined.set(names, (line = `USERS ${names.join(', ')}`));
  return line;
}

export function encodeMessenger(msg: Msg): string | undefined {
  switch (msg.kind) {
    case 'reply':
      return msg.line;
    case 'joined':
      return `JOINED ${msg.user}`;
    case 'left':
      return `LEFT ${msg.user} ${msg.how}`;
    case 'renamed':
      return `RENAMED ${msg.from} ${msg.to}`;
    case 'broadcast':
      return `BROADCAST ${msg.from} ${msg.text}`;
    case 'private':
      return `WHISPER ${msg.from} ${msg.to} ${msg.text}`;
    default:
      return undefined;
  }
}
