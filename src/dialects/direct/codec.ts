// Every line the direct dialect sends, in one place.
import type { Msg } from '../../core/messages.js';

export type Refusal = 'IN-USE' | 'BUSY' | 'BAD-RQST-HDR' | 'BAD-RQST-BODY' | 'BAD-DEST-USER';

export const hello = (name: string) => `HELLO ${name}`;
export const sendOk = () => 'SEND-OK';

const joined = new WeakMap<readonly string[], string>();
// direct: joined by `,` with no spaces and no trailing comma; built once per version of the list
export function listOk(names: readonly string[]): string {
  let line = joined.get(names);
  if (line === undefined) joined.set(names, (line = `LIST-OK ${names.join(',')}`));
  return line;
}

export function encodeDirect(msg: Msg): string | undefined {
  switch (msg.kind) {
    case 'reply':
      return msg.line;
    case 'private':
      return `DELIVERY ${msg.from} ${msg.text}`;
    default:
      return undefined;
  }
}
