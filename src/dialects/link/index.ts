// Federation links: the server-to-server side of the channels dialect (channels.md, "Federation"), as a
// dialect of its own. An incoming link is a connection whose first line is FEDERATE-OUT; an outgoing one
// is a connection this server dialled, which greets its peer first.
import type { DialectModule } from '../../core/dialect.js';
import { encodeLink } from './codec.js';
import { clusterHandlers } from './cluster.js';
import { greet, linkClosed } from './handlers.js';
import { linkRules } from './table.js';

/** How much longer than a client's a link's line may be: a FEDSAY or FEDRECV wraps a full-length message. */
export const LINK_LINE_SLACK = 1024;

export const link: DialectModule = {
  name: 'link',
  rules: linkRules,
  encode: encodeLink,
  capabilities: new Set(),
  cleanCloseIsQuit: true,
  onResult: {},
  lineSlack: LINK_LINE_SLACK,
  onDialled: greet,
  onClosed: linkClosed,
  onCluster: clusterHandlers,
};
