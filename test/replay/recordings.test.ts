// Every recording under test/recordings/ runs through the real pipeline with in-memory sockets.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRecording } from '../../src/recording/parse.js';
import type { ListenerMode } from '../../src/core/types.js';
import { memoryTransport } from '../../streams/replay/memory.js';
import { replay } from '../../streams/replay/run.js';
import { removeTempDirs, tempDir } from '../support/server.js';

const DIR = resolve(import.meta.dirname, '../recordings');
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
