// What the other nodes publish, as an observable that holds every event from the moment the backplane opened
// until its first subscriber (the pipeline, which starts later) and then passes them on as they come.
import { Observable, Subject } from 'rxjs';
import type { ClusterEvent } from '../../src/core/types.js';

export interface HeldEvents {
  push(event: ClusterEvent): void;
  readonly event$: Observable<ClusterEvent>;
  complete(): void;
}

export function heldEvents(): HeldEvents {
  const incoming = new Subject<ClusterEvent>();
  let buffer: ClusterEvent[] | undefined = [];
  return {
    push: (event) => (buffer ? buffer.push(event) : incoming.next(event)),
    event$: new Observable<ClusterEvent>((subscriber) => {
      const subscription = incoming.subscribe(subscriber);
      const held = buffer ?? [];
      buffer = undefined;
      for (const event of held) subscriber.next(event);
      return subscription;
    }),
    complete: () => incoming.complete(),
  };
}
