// What a node publishes goes out paced as the sink writes its sockets (streams/net/flush-pacer.ts): at the end of the
// turn, at most once a millisecond; consecutive messages for one pub/sub channel as one PUBLISH, a line each.
// A publish costs this node (ioredis: a command, a promise, a write, a reply to read), Redis and every
// subscriber (a wake-up, a read) about as much for one message as for a hundred. The order is the order of
// the calls, script calls included (scripts publish too): the caller flushes before each.
import type { Redis } from 'ioredis';
import { FlushPacer } from '../net/flush-pacer.js';

/** Messages one PUBLISH carries at most. */
const MAX_BATCH = 256;

/** Messages for one channel, waiting to go out in one PUBLISH. */
interface Batch {
  readonly channel: string;
  readonly texts: string[];
  readonly taken: Promise<boolean>;
  readonly settle: (ok: boolean) => void;
}

export interface Publisher {
  /** Resolves true once Redis took the message (with the others of its publish), false if that failed. */
  publish(channel: string, text: string): Promise<boolean>;
  /** Sends what waits now. */
  flush(): void;
}

/** `channel` is named without `prefix`; `failed` hears of a publish Redis did not take. */
export function batchingPublisher(cmd: Redis, prefix: string, failed: (error: unknown) => void): Publisher {
  let waiting: Batch[] = [];
  const taken = (batch: Batch, error: unknown) => {
    if (error) failed(error);
    batch.settle(!error);
  };
  const pacer = new FlushPacer(() => {
    const batches = waiting;
    waiting = [];
    const [first] = batches;
    if (first === undefined) return;
    if (batches.length === 1) {
      cmd.publish(`${prefix}${first.channel}`, first.texts.join('\n')).then(() => taken(first, null), (error: unknown) => taken(first, error));
      return;
    }
    // publishes to several nodes go out in one write
    const pipeline = cmd.pipeline();
    for (const { channel, texts } of batches) pipeline.publish(`${prefix}${channel}`, texts.join('\n'));
    pipeline.exec().then(
      (results) => batches.forEach((batch, i) => taken(batch, results?.[i]?.[0])),
      (error: unknown) => batches.forEach((batch) => taken(batch, error)),
    );
  });
  return {
    publish(channel, text) {
      let batch = waiting.at(-1);
      if (batch?.channel !== channel || batch.texts.length >= MAX_BATCH) {
        let settle!: (ok: boolean) => void;
        const taken = new Promise<boolean>((resolve) => { settle = resolve; });
        batch = { channel, texts: [], taken, settle };
        waiting.push(batch);
      }
      batch.texts.push(text);
      pacer.schedule();
      return batch.taken;
    },
    flush: () => pacer.now(),
  };
}
