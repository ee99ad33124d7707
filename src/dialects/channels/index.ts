// The channels dialect (accounts, channels, federation), as one module. Federation (./federation/) is its
// server-to-server side: a connection whose first line is FEDERATE-OUT, or one this server dialled.
import type { DialectModule } from '../../core/dialect.js';
import { encodeChannels } from './codec.js';
import { onCluster, onNodeGone, onNodeJoined } from './federation/cluster.js';
import { greet } from './federation/accept.js';
import { connClosed } from './federation/handlers.js';
import { accountStored, channelStored, claimed, passwordChecked, passwordHashed } from './results.js';
import { channelsRules } from './table.js';

/** How much longer than a client's a server's line may be: a FEDSAY or FEDRECV wraps a full-length message. */
export const LINK_LINE_SLACK = 1024;

export const channels: DialectModule = {
  name: 'channels',
  rules: channelsRules,
  encode: encodeChannels,
  // channel messages reach members through the channel's audience; nothing else is shown
  capabilities: new Set(),
  cleanCloseIsQuit: true,
  onResult: { passwordHashed, accountStored, passwordChecked, channelStored },
  onClaimed: claimed,
  lineSlack: { server: LINK_LINE_SLACK },
  onDialled: greet,
  onClosed: connClosed,
  onCluster,
  onNodeJoined,
  onNodeGone,
};
