// What a messenger or channels line from the server says, as data: the one reader of server lines that the
// terminal client's renderers and the web page both use. It also runs in the browser (served from the
// build under /client/), so it imports nothing but its neighbours.
import { fields, splitVerb } from './text.js';

export type ServerEvent =
  // messenger
  | { readonly kind: 'welcome'; readonly name: string; readonly text: string }
  | { readonly kind: 'broadcast'; readonly from: string; readonly text: string }
  | { readonly kind: 'whisper'; readonly from: string; readonly to: string; readonly text: string }
  | { readonly kind: 'joined'; readonly name: string }
  | { readonly kind: 'left'; readonly name: string; readonly lost: boolean }
  | { readonly kind: 'renamed'; readonly from: string; readonly to: string }
  | { readonly kind: 'users'; readonly names: readonly string[] }
  | { readonly kind: 'bye'; readonly text: string }
  | { readonly kind: 'error'; readonly code: string; readonly text: string }
  // channels
  | { readonly kind: 'said'; readonly from: string; readonly channel: string; readonly text: string }
  | { readonly kind: 'channels'; readonly names: readonly string[] }
  /** `RESULT REGISTER|LOGIN|CREATE|JOIN|SAY … 0|1`; `subject` is the channel of CREATE and JOIN. */
  | { readonly kind: 'result'; readonly what: string; readonly subject?: string; readonly ok: boolean }
  // anything else, shown as it came
  | { readonly kind: 'other'; readonly line: string };

/** Names joined by `sep`, or none for an empty list. */
const namesIn = (list: string, sep: string): readonly string[] => (list === '' ? [] : list.split(sep));

export function readMessenger(line: string): ServerEvent {
  const [verb, rest] = splitVerb(line);
  switch (verb) {
    case 'WELCOME': {
      const { words: [name = ''], rest: text } = fields(rest, 1);
      return { kind: 'welcome', name, text };
    }
    case 'BROADCAST': {
      const { words: [from = ''], rest: text } = fields(rest, 1);
      return { kind: 'broadcast', from, text };
    }
    case 'WHISPER': {
      const { words: [from = '', to = ''], rest: text } = fields(rest, 2);
      return { kind: 'whisper', from, to, text };
    }
    case 'JOINED':
      return { kind: 'joined', name: rest };
    case 'LEFT': {
      const { words: [name = '', how] } = fields(rest, 2);
      return { kind: 'left', name, lost: how === 'lost' };
    }
    case 'RENAMED': {
      const { words: [from = '', to = ''] } = fields(rest, 2);
      return { kind: 'renamed', from, to };
    }
    // messenger: USERS joins names with ", "
    case 'USERS':
      return { kind: 'users', names: namesIn(rest, ', ') };
    case 'BYE':
      return { kind: 'bye', text: rest };
    case 'ERROR': {
      const { words: [code = ''], rest: text } = fields(rest, 1);
      return { kind: 'error', code, text };
    }
    default:
      return { kind: 'other', line };
  }
}

export function readChannels(line: string): ServerEvent {
  const [verb, rest] = splitVerb(line);
  if (verb === 'RECV') {
    const { words: [from = '', channel = ''], rest: text } = fields(rest, 2);
    return { kind: 'said', from, channel, text };
  }
  if (verb !== 'RESULT') return { kind: 'other', line };
  const [what, after] = splitVerb(rest);
  // channels: with no channels, exactly `RESULT CHANNELS`; otherwise joined by ", "
  if (what === 'CHANNELS') return { kind: 'channels', names: namesIn(after, ', ') };
  const { words } = fields(after, 2);
  const ok = words[words.length - 1] === '1';
  return words.length > 1 ? { kind: 'result', what, subject: words[0]!, ok } : { kind: 'result', what, ok };
}
