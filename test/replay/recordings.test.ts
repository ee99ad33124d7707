// Every recording under test/recordings/ runs through the real pipeline with in-memory sockets.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePeers } from '../../src/config/peers.js';
import { parseRecording } from '../../src/recording/parse.js';
import type { ListenerMode } from '../../src/core/types.js';
import { memoryTransport } from '../../streams/replay/memory.js';
import { replay } from '../../streams/replay/run.js';
import { removeTempDirs, tempDir } from '../support/server.js';

const DIR = resolve(import.meta.dirname, '../recordings');
/** `@name s1` and `@peers 127.0.0.2:1 …` describe this server among its federation peers. */
function federationOf(name: string, peers: string) {
  const parsed = parsePeers(peers.split(/\s+/).join('\n'));
  if ('error' in parsed) throw new Error(`@peers: ${parsed.error}`);
  return { name, peers: parsed.peers };
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.rec')).sort();

afterAll(removeTempDirs);

describe('recorded conversations', () => {
  it.each(files)('%s', async (file) => {
    const recording = parseRecording(readFileSync(join(DIR, file), 'utf8'));
    if ('error' in recording) throw new Error(recording.error);
    const { settings } = recording;
    const transport = await memoryTransport({
      dbFile: join(tempDir(), 'chat.db'),
      protocol: (settings.protocol ?? 'auto') as ListenerMode,
      maxUsers: settings['max-users'] ? Number(settings['max-users']) : undefined,
      maxLineLength: settings['max-line'] ? Number(settings['max-line']) : undefined,
      ...(settings.name ? { federation: federationOf(settings.name, settings.peers ?? '') } : {}),
    });
    try {
      const result = await replay(recording, transport);
      expect(result.failure).toBeUndefined();
      expect(result.ok).toBe(true);
    } finally {
      await transport.stop();
    }
  });
});
