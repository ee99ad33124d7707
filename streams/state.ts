// The server's one state stream: an Observable of the states the pipeline steps through that also holds the
// current one (`.value`), as redux-observable's StateObservable does. Nothing else keeps a copy of the state.
import { Observable, Subject } from 'rxjs';

export class StateObservable<S> extends Observable<S> {
  private current: S;
  private readonly changes = new Subject<S>();

  /** Follows `input$` from `initial` on; a subscriber gets the current state first, then each change. */
  constructor(input$: Observable<S>, initial: S) {
    super((subscriber) => {
      const subscription = this.changes.subscribe(subscriber);
      if (!subscription.closed) subscriber.next(this.current);
      return subscription;
    });
    this.current = initial;
    input$.subscribe({
      next: (state) => {
        if (state === this.current) return;
        this.current = state;
        this.changes.next(state);
      },
      complete: () => this.changes.complete(),
    });
  }

  get value(): S {
    return this.current;
  }
}
