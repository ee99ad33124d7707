// The dialects by name: their command tables and their encoders.
import type { DialectRules } from '../core/dispatch.js';
import type { Msg } from '../core/messages.js';
import type { Dialect } from '../core/types.js';
import { encodeChannels } from './channels/codec.js';
import { channelsRules } from './channels/table.js';
import { encodeDirect } from './direct/codec.js';
import { directRules } from './direct/table.js';
import { encodeMessenger } from './messenger/codec.js';
import { messengerRules } from './messenger/table.js';

export const RULES: Readonly<Record<Dialect, DialectRules>> = {
  channels: channelsRules,
  direct: directRules,
  messenger: messengerRules,
};

export const ENCODERS: Readonly<Record<Dialect, (msg: Msg) => string | undefined>> = {
  channels: encodeChannels,
  direct: encodeDirect,
  messenger: encodeMessenger,
};
