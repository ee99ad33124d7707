// The messenger dialect (broadcast, whisper, rename, list; protocol.txt), as one module.
import type { DialectModule } from '../../core/dialect.js';
import { encodeMessenger } from './codec.js';
import { claimed } from './handlers.js';
import { messengerRules } from './table.js';

export const messenger: DialectModule = {
  name: 'messenger',
  rules: messengerRules,
  encode: encodeMessenger,
  capabilities: new Set(['presence', 'broadcast', 'private']),
  // messenger users leave with QUIT; a socket closed without it is a lost connection
  cleanCloseIsQuit: false,
  onResult: {},
  onClaimed: claimed,
};
