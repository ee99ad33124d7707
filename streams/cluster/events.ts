// What the other nodes publish, as an observable that holds every event from the moment the backplane opened
// until its first subscriber (the pipeline, which starts later) and then passes them on as they come. Events
// that arrived together (one read from Redis) travel as one batch, to be handled as one command.
import { Observable, Subject } from 'rxjs';
import type { ClusterEvent } from '../../src/core/types.js';

export interface HeldEvents {
  push(event: ClusterEvent): void;
  /** Events that arrived together, in order. */
  pushBatch(events: readonly ClusterEvent[]): void;
  readonly event$: Observable<readonly ClusterEvent[]>;
  complete(): void;
}

export function heldEvents(): HeldEvents {
  const incoming = new Subject<readonly ClusterEvent[]>();
  let buffer: Array<readonly ClusterEvent[]> | undefined = [];
  const pushBatch = (events: readonly ClusterEvent[]) => {
    if (!events.length) return;
    if (buffer) buffer.push(events);
    else incoming.next(events);
  };
  return {
    push: (event) => pushBatch([event]),
    pushBatch,
    event$: new Observable<readonly ClusterEvent[]>((subscriber) => {
      const subscription = incoming.subscribe(subscriber);
      const held = buffer ?? [];
      buffer = undefined;
      for (const events of held) subscriber.next(events);
      return subscription;
    }),
    complete: () => incoming.complete(),
  };
}
