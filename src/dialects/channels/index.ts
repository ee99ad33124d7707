// The channels dialect (accounts, channels; federation later), as one module.
import type { DialectModule } from '../../core/dialect.js';
import { encodeChannels } from './codec.js';
import { accountStored, channelStored, claimed, passwordChecked, passwordHashed } from './results.js';
import { channelsRules } from './table.js';

export const channels: DialectModule = {
  name: 'channels',
  rules: channelsRules,
  encode: encodeChannels,
  // channel messages reach members through the channel's audience; nothing else is shown
  capabilities: new Set(),
  cleanCloseIsQuit: true,
  onResult: { passwordHashed, accountStored, passwordChecked, channelStored },
  onClaimed: claimed,
};
