// Plays one case against a transport through the replay's player, with filler users first when the case is
// about a full server, and keeps the exchange so a failure can show it.
import type { RecordedEvent, Recording } from '../../../src/recording/parse.js';
import type { Filler } from '../../../src/check/plan.js';
import type { Transport } from '../replay/transport.js';
import { replay } from '../replay/run.js';

export interface Played {
  readonly ok: boolean;
  readonly exchange: readonly string[];
  readonly expected?: string;
  readonly got?: string;
  readonly difference?: string;
}

/** Log `count` filler users in first, on connections the case does not name (`filler1`…). */
function fillerEvents(count: number, filler: Filler | undefined, tag: string): RecordedEvent[] {
  if (!filler || count === 0) return [];
  const encoder = new TextEncoder();
  return Array.from({ length: count }, (_, i) => {
    const conn = `filler${i + 1}`;
    const name = `fill${i + 1}${tag}`;
    return [
      { op: 'send', conn, bytes: encoder.encode(filler.line(name) + '\n'), line: 0 },
      { op: 'expect', conn, text: filler.answer(name), line: 0 },
    ] as RecordedEvent[];
  }).flat();
}

export interface PlayOptions {
  readonly waitMs: number;
  readonly fillers?: { readonly count: number; readonly filler: Filler | undefined; readonly tag: string };
}

export async function play(recording: Recording, transport: Transport, { waitMs, fillers }: PlayOptions): Promise<Played> {
  const exchange: string[] = [];
  const extra = fillerEvents(fillers?.count ?? 0, fillers?.filler, fillers?.tag ?? '');
  // what else the fillers are sent (JOINED notices, say) is not this rule's business
  const quiet = new Set(extra.map((e) => e.conn));
  const result = await replay({ settings: recording.settings, events: [...extra, ...recording.events] }, transport, waitMs, { exchange, quiet });
  if (result.ok) return { ok: true, exchange };
  return {
    ok: false, exchange,
    ...(result.expected !== undefined ? { expected: result.expected } : {}),
    ...(result.got !== undefined ? { got: result.got } : {}),
    difference: result.difference ?? result.failure ?? 'the server behaved differently',
  };
}
