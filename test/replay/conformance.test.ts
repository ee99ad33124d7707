// The conformance suites (conformance/*.rec) are this server's recordings for the rules of its specs: every
// case runs here in-process, each with its own server built from its @ settings, exactly as
// `chat-server check` runs it against a live server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inProcessServer } from '../../src/recording/settings.js';
import { DIALECTS, EXTENSIONS } from '../../src/check/suite.js';
import { memoryTransport } from '../../streams/cli/replay/memory.js';
import { runCase } from '../../streams/cli/check/run.js';
import { loadSuite } from '../../streams/cli/check/suites.js';

const dir = mkdtempSync(join(tmpdir(), 'chat-conformance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let serial = 0;
/** How long each expected line may take: a bound, not a wait; a hash on a busy machine has taken more than 3 s. */
const WAIT_MS = 15_000;

describe.each([...DIALECTS, ...EXTENSIONS])('the %s suite, in-process', (suite) => {
  it.each(loadSuite(suite).map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const result = await runCase(c, {
      waitMs: WAIT_MS, only: [], skip: [], inProcess: true,
      transport: async (recording) => memoryTransport({ dbFile: join(dir, `case${++serial}.db`), ...inProcessServer(recording.settings) }),
    });
    expect(result.difference ?? '', [result.source, ...(result.exchange ?? [])].join('\n')).toBe('');
    expect(result.status).toBe('pass');
  });
});
