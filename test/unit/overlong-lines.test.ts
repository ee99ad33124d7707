// Framing (streams/net/framer.ts through lines.ts): each line over the limit is reported once, in its place among the others,
// however the bytes are cut into pieces.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/core/types.js';
import { commandsOf } from '../../streams/net/lines.js';
import { Intake } from '../../streams/net/read-control.js';

/** The lines and over-long reports a socket that receives `pieces`, one read each, turns into. */
async function framed(pieces: readonly string[], maxLineLength: number): Promise<string[]> {
  const socket = new PassThrough();
  const seen: string[] = [];
  const done = new Promise<void>((resolve) => {
    commandsOf({ conn: 'c1', socket, remote: { address: '127.0.0.1', port: 1 }, listener: 'auto', maxLineLength, clock: () => 0, intake: new Intake() })
      .subscribe({
        next: (command: Command) => {
          if (command.kind === 'lines') seen.push(...command.texts);
          else if (command.kind === 'tooLong') seen.push('<too long>');
        },
        complete: resolve,
      });
  });
  for (const piece of pieces) {
    socket.write(piece);
    await new Promise((resolve) => setImmediate(resolve));
  }
  socket.end();
  await new Promise((resolve) => setImmediate(resolve));
  socket.destroy();
  await done;
  return seen;
}

describe('over-long lines', () => {
  it('reports a line that outgrows the limit before it ends, once, and goes on with the next', async () => {
    expect(await framed(['short\nthis one is far too', ' long and goes on', ' and on\nok\n'], 10)).toEqual(['short', '<too long>', 'ok']);
  });

  it('reports each of two over-long lines when one ends in the piece where the next starts', async () => {
    expect(await framed(['first one is far too long', ' still\nsecond one too is far too long', ' yes\nok\n'], 10)).toEqual(['<too long>', '<too long>', 'ok']);
  });

  it('reports a complete over-long line that arrives in one piece', async () => {
    expect(await framed(['a line longer than ten\nfine\n'], 10)).toEqual(['<too long>', 'fine']);
  });
});
