// What a node publishes goes out once a turn of the event loop (when the sink writes its sockets too):
// consecutive messages for one pub/sub channel as one PUBLISH, a line each. A publish costs this node
// (ioredis: a command, a promise, a reply), Redis and every subscriber about as much for one message as
// for a hundred, and under load a turn hands over many. The order is the order of the calls, script calls
// included (scripts publish too): the caller flushes before each.
import type { Redis } from 'ioredis';

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
  let due: NodeJS.Immediate | undefined;
  const flush = () => {
    if (due) clearImmediate(due);
    due = undefined;
    const batches = waiting;
    waiting = [];
    for (const { channel, texts, settle } of batches) {
      cmd.publish(`${prefix}${channel}`, texts.join('\n')).then(() => settle(true), (error: unknown) => {
        failed(error);
        settle(false);
      });
    }
  };
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
      due ??= setImmediate(flush);
      return batch.taken;
    },
    flush,
  };
}
