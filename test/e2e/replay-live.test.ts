// The same recordings, replayed over TCP against the real server process (fresh state for each).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRecording } from '../../src/recording/parse.js';
import { replay } from '../../streams/replay/run.js';
import { tcpTransport } from '../../streams/replay/tcp.js';
import { removeTempDirs, startServerProcess, tempDir } from '../support/server.js';

const DIR = resolve(import.meta.dirname, '../recordings');
const SETTING_FLAGS: Readonly<Record<string, string>> = { protocol: '--protocol', 'max-users': '--max-users', name: '--name' };

afterAll(removeTempDirs);

describe('recordings replayed against a live server', () => {
  // a broken socket (`!w`) can only be staged in memory
  const files = readdirSync(DIR).filter((f) => f.endsWith('.rec') && !/^\S+ !w$/m.test(readFileSync(join(DIR, f), 'utf8'))).sort();
  it.each(files)('%s', async (file) => {
    const recording = parseRecording(readFileSync(join(DIR, file), 'utf8'));
    if ('error' in recording) throw new Error(recording.error);
    const args = Object.entries(recording.settings).flatMap(([key, value]) => (SETTING_FLAGS[key] ? [SETTING_FLAGS[key], value] : []));
    if (recording.settings.peers) {
      const peersFile = join(tempDir(), 'peers');
      writeFileSync(peersFile, recording.settings.peers.split(/\s+/).join('\n'));
      args.push('--peers', peersFile);
    }
    const env: Record<string, string> = recording.settings['max-line'] ? { CHAT_MAX_LINE: recording.settings['max-line'] } : {};
    const server = await startServerProcess({ args, env });
    const transport = tcpTransport('127.0.0.1', server.port);
    try {
      const result = await replay(recording, transport);
      expect(result.failure).toBeUndefined();
    } finally {
      await transport.stop();
      await server.stop();
    }
  });
});
