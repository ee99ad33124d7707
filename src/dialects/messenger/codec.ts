// Every line the messenger dialect sends, in one place (documented in protocol.txt).
import type { Msg } from '../../core/messages.js';

export function encodeMessenger(msg: Msg): string | undefined {
  switch (msg.type) {
    case 'welcome': {
      const others = msg.online - 1;
      const company = others === 0 ? 'nobody else is here yet' : others === 1 ? '1 other user is here' : `${others} other users are here`;
      return `WELCOME ${msg.name} Welcome, ${msg.name}! ${company}. Type /help for commands.`;
    }
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
    case 'userList':
      return `USERS ${msg.names.join(', ')}`;
    case 'bye':
      return `BYE ${msg.text}`;
    case 'error':
      return `ERROR ${msg.code} ${msg.text}`;
    default:
      return undefined;
  }
}
