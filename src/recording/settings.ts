// What a recording's `@` settings ask of the server that plays it. In-process, the replay builds a server
// with them; a live server keeps its own, so a recording that needs any is skipped there unless the
// tester says the server was started to match (and this file says how to start it).
import { parsePeers, type Peer } from '../config/peers.js';
import type { ListenerMode } from '../core/types.js';
import type { Recording } from './parse.js';
import type { Limits } from '../config/limits.js';

type QuotaSetting = 'maxChannelsPerUser' | 'maxChannels' | 'registerPerHour';
const QUOTA_SETTINGS: ReadonlyArray<readonly [string, QuotaSetting, string]> = [
  ['max-channels-per-user', 'maxChannelsPerUser', 'CHAT_MAX_CHANNELS_PER_USER'],
  ['max-channels', 'maxChannels', 'CHAT_MAX_CHANNELS'],
  ['register-per-hour', 'registerPerHour', 'CHAT_REGISTER_PER_HOUR'],
];

function quotasOf(settings: Recording['settings']): Partial<Pick<Limits, QuotaSetting>> {
  return Object.fromEntries(QUOTA_SETTINGS.filter(([key]) => settings[key]).map(([key, limit]) => [limit, Number(settings[key])]));
}

/** How an in-process server is built for a recording. */
export interface InProcessServer {
  readonly protocol: ListenerMode;
  readonly maxUsers?: number;
  readonly maxLineLength?: number;
  /** Quotas set by `@max-channels-per-user`, `@max-channels` and `@register-per-hour`. */
  readonly quotas?: Partial<Pick<Limits, QuotaSetting>>;
  readonly federation?: { readonly name: string; readonly peers: readonly Peer[] };
}

/** `@peers 127.0.0.2:1 127.0.0.3:1`: the peers file's lines, on one line. */
export function peersOf(settings: Recording['settings']): Peer[] {
  const parsed = parsePeers((settings.peers ?? '').split(/\s+/).join('\n'));
  if ('error' in parsed) throw new Error(`@peers: ${parsed.error}`);
  return parsed.peers;
}

export function inProcessServer(settings: Recording['settings']): InProcessServer {
  return {
    protocol: (settings.protocol || 'auto') as ListenerMode,
    ...(settings['max-users'] ? { maxUsers: Number(settings['max-users']) } : {}),
    ...(settings['max-line'] ? { maxLineLength: Number(settings['max-line']) } : {}),
    ...(QUOTA_SETTINGS.some(([key]) => settings[key]) ? { quotas: quotasOf(settings) } : {}),
    ...(settings.name ? { federation: { name: settings.name, peers: peersOf(settings) } } : {}),
  };
}

/** How to start a live server that matches one setting. */
const HOW: Readonly<Record<string, (value: string) => string>> = {
  protocol: (value) => `--protocol ${value}`,
  'max-users': (value) => `--max-users ${value}`,
  'max-line': (value) => `CHAT_MAX_LINE=${value}`,
  name: (value) => `--name ${value}`,
  peers: (value) => `--peers FILE listing ${value}`,
  fresh: () => 'a new database (the recording lists every channel or account)',
  ...Object.fromEntries(QUOTA_SETTINGS.map(([key, , variable]) => [key, (value: string) => `${variable}=${value}`])),
};

/**
 * Why a live server cannot play this recording as it stands, or undefined when it can. `assumeSettings`:
 * the tester started the server to match its settings; a broken socket (`!w`) still needs the in-process server.
 */
export function liveSkipReason(recording: Recording, assumeSettings: boolean): string | undefined {
  if (recording.events.some((e) => e.op === 'breakWrites')) return 'it breaks a socket (`!w`), which only the in-process server can stage; replay it without --port';
  const asked = Object.entries(recording.settings);
  if (asked.length === 0 || assumeSettings) return undefined;
  const needs = asked.map(([key, value]) => `@${key}${value ? ' ' + value : ''}`).join(', ');
  const start = asked.map(([key, value]) => HOW[key]?.(value) ?? `@${key}`).join(', ');
  return `it needs ${needs}, and a live server keeps its own settings; replay it without --port, or start a server with ${start} and add --assume-settings`;
}
