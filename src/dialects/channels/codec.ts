// Every line the channels dialect sends, in one place.
import type { Msg } from '../../core/messages.js';
import { quoted } from '../../core/names.js';

export type Verb = 'REGISTER' | 'LOGIN' | 'CREATE' | 'JOIN' | 'SAY' | 'CHANNELS';

/** The subject of a RESULT is the client's own text: quoted safely, and cut well past the longest valid name (64). */
const SUBJECT_LENGTH = 256;

/** `VERB [subject] 1|0`: what follows RESULT (and, between servers, FEDRESULT user). */
// channels: `RESULT CREATE channel 0` names the channel the client sent, even an invalid one
export function outcome(verb: Verb, ok: boolean, subject?: string): string {
  return `${verb}${subject ? ` ${quoted(subject, SUBJECT_LENGTH)}` : ''} ${ok ? 1 : 0}`;
}

export function result(verb: Verb, ok: boolean, subject?: string): string {
  return `RESULT ${outcome(verb, ok, subject)}`;
}

const joined = new WeakMap<readonly string[], string>();
// channels: joined by ", "; with no channels, exactly `RESULT CHANNELS`; built once per version of the list
export function channelList(names: readonly string[]): string {
  let line = joined.get(names);
  if (line === undefined) joined.set(names, (line = names.length ? `RESULT CHANNELS ${names.join(', ')}` : 'RESULT CHANNELS'));
  return line;
}

export function encodeChannels(msg: Msg): string | undefined {
  switch (msg.kind) {
    case 'reply':
      return msg.line;
    case 'recv':
      return `RECV ${msg.from} ${msg.channel} ${msg.text}`;
    default:
      return undefined;
  }
}
