// The recordings replayed over TCP against the real server process. Those without @ settings share one
// server and run twice, the second time on a server that already knows their names; each one with settings
// gets a server started to match them, as the skip message tells a tester to do.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRecording, type Recording } from '../../src/recording/parse.js';
import { liveSkipReason, peersOf } from '../../src/recording/settings.js';
import { freshTag } from '../../streams/cli/replay.js';
import { replay } from '../../streams/cli/replay/run.js';
import { tcpTransport } from '../../streams/cli/replay/tcp.js';
import { removeTempDirs, startServerProcess, tempDir, type ServerProcess, type StartOptions } from '../support/server.js';

/** How long a live replay waits for each line at most: a loaded machine answers slowly, not wrongly. */
const LIVE_WAIT_MS = 15_000;

const DIR = resolve(import.meta.dirname, '../recordings');
const files = readdirSync(DIR).filter((f) => f.endsWith('.rec')).sort();

function load(file: string): Recording {
  const recording = parseRecording(readFileSync(join(DIR, file), 'utf8'), { tag: freshTag() });
  if ('error' in recording) throw new Error(`${file}: ${recording.error}`);
  return recording;
}

/** The flags and env a server needs to match a recording's settings. */
function matching(settings: Recording['settings']): StartOptions {
  const args: string[] = [];
  const env: Record<string, string> = {};
  if (settings.protocol) args.push('--protocol', settings.protocol);
  if (settings['max-users']) args.push('--max-users', settings['max-users']);
  if (settings.name) args.push('--name', settings.name);
  if (settings['max-line']) env.CHAT_MAX_LINE = settings['max-line'];
  if (settings['max-channels-per-user']) env.CHAT_MAX_CHANNELS_PER_USER = settings['max-channels-per-user'];
  if (settings['max-channels']) env.CHAT_MAX_CHANNELS = settings['max-channels'];
  if (settings['register-per-hour']) env.CHAT_REGISTER_PER_HOUR = settings['register-per-hour'];
  if (settings.peers !== undefined) {
    const peersFile = join(tempDir(), 'peers');
    writeFileSync(peersFile, peersOf(settings).map((p) => `${p.address}:${p.port}`).join('\n'));
    args.push('--peers', peersFile);
  }
  return { args, env };
}

async function play(server: ServerProcess, recording: Recording): Promise<string | undefined> {
  const transport = tcpTransport('127.0.0.1', server.port);
  try {
    return (await replay(recording, transport, LIVE_WAIT_MS)).failure;
  } finally {
    await transport.stop();
  }
}

const plain = files.filter((f) => Object.keys(load(f).settings).length === 0 && !liveSkipReason(load(f), false));
const configured = files.filter((f) => Object.keys(load(f).settings).length > 0 && !liveSkipReason(load(f), true));
const inMemoryOnly = files.filter((f) => liveSkipReason(load(f), true));

describe('recordings without settings, on one shared server', () => {
  let shared: ServerProcess;
  beforeAll(async () => { shared = await startServerProcess({ args: ['--max-users', '1000'] }); });
  afterAll(async () => { await shared.stop(); });

  it.each(plain)('%s passes on a fresh server', async (file) => {
    expect(await play(shared, load(file))).toBeUndefined();
  });

  it.each(plain)('%s passes again on the now used server (fresh names)', async (file) => {
    expect(await play(shared, load(file))).toBeUndefined();
  });
});

// each has a server of its own and mostly waits on it: they run concurrently
describe.concurrent('recordings with settings, each on a server started to match', () => {
  it.each(configured)('%s', async (file) => {
    const recording = load(file);
    expect(liveSkipReason(recording, false)).toMatch(/^it needs @/);
    const server = await startServerProcess(matching(recording.settings));
    try {
      expect(await play(server, recording)).toBeUndefined();
    } finally {
      await server.stop();
    }
  });
});

describe('recordings only an in-process server can play', () => {
  it.each(inMemoryOnly)('%s is skipped live, with the reason', (file) => {
    expect(liveSkipReason(load(file), true)).toMatch(/only the in-process server can stage/);
  });
});

afterAll(removeTempDirs);
