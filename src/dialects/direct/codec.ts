// Every line the direct dialect sends, in one place.
import type { Msg } from '../../core/messages.js';

export function encodeDirect(msg: Msg): string | undefined {
  switch (msg.type) {
    case 'hello':
      return `HELLO ${msg.name}`;
    // direct: joined by `,` with no spaces and no trailing comma
    case 'userList':
      return `LIST-OK ${msg.names.join(',')}`;
    case 'private':
      return `DELIVERY ${msg.from} ${msg.text}`;
    case 'sendOk':
      return 'SEND-OK';
    case 'refused':
      return msg.code;
    default:
      return undefined;
  }
}
