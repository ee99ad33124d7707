// Every recording under test/recordings/ runs through the real pipeline with in-memory sockets, with its
// @ settings and a fresh tag for its `$` names, exactly as `chat-server replay FILE` runs it.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRecording } from '../../src/recording/parse.js';
import { freshTag, replayInProcess } from '../../streams/cli/replay.js';

const DIR = resolve(import.meta.dirname, '../recordings');
/** How long each expected line may take: a bound, not a wait; a hash on a busy machine has taken more than 3 s. */
const WAIT_MS = 15_000;
const files = readdirSync(DIR).filter((f) => f.endsWith('.rec')).sort();

describe('recorded conversations', () => {
  it.each(files)('%s', async (file) => {
    const recording = parseRecording(readFileSync(join(DIR, file), 'utf8'), { tag: freshTag() });
    if ('error' in recording) throw new Error(recording.error);
    const result = await replayInProcess(recording, WAIT_MS);
    expect(result.failure).toBeUndefined();
    expect(result.ok).toBe(true);
  });
});
