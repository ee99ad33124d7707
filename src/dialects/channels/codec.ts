// Every line the channels dialect sends, in one place.
import type { Msg } from '../../core/messages.js';

export function encodeChannels(msg: Msg): string | undefined {
  switch (msg.type) {
    case 'result': {
      const subject = msg.subject ? ` ${msg.subject}` : '';
      return `RESULT ${msg.verb}${subject} ${msg.ok ? 1 : 0}`;
    }
    // channels: with no channels, exactly `RESULT CHANNELS`
    case 'channelList':
      return msg.names.length ? `RESULT CHANNELS ${msg.names.join(', ')}` : 'RESULT CHANNELS';
    case 'recv':
      return `RECV ${msg.from} ${msg.channel} ${msg.text}`;
    default:
      return undefined;
  }
}
