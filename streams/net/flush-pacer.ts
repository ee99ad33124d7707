// Output joined per turn and paced: a write (to a socket, or a PUBLISH to Redis) costs a syscall and a wake-up on
// the other side whether it carries one line or fifty, so work that comes in a burst leaves together.

/**
 * The least time between two flushes. Output waiting when the last flush is older leaves at the end of this turn
 * of the event loop, so a message on a quiet server is not held up; under a steady load each socket (and the
 * cluster's link to Redis) gets at most one write a millisecond, with every line that came for it meanwhile. A
 * write is a TCP segment (the sockets are no-delay), and one per line to each member of a small channel was half
 * of the server's CPU at a few thousand messages a second; waiting up to 1 ms to join them halved the CPU per
 * delivery there (bench compare, section 2a).
 */
export const FLUSH_INTERVAL_MS = 1;

/** Runs `flush` once for any number of `schedule()` calls: at the end of this turn, or `intervalMs` after the last run. */
export class FlushPacer {
  private lastRun = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private readonly fire = () => this.now();

  constructor(private readonly flush: () => void, private readonly intervalMs = FLUSH_INTERVAL_MS) {}

  schedule(): void {
    if (this.timer !== undefined || this.immediate !== undefined) return;
    const wait = this.lastRun + this.intervalMs - performance.now();
    if (wait > 0) this.timer = setTimeout(this.fire, wait);
    else this.immediate = setImmediate(this.fire);
  }

  /** Flushes at once (a caller that needs everything out before it goes on), instead of when scheduled. */
  now(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    this.lastRun = performance.now();
    this.flush();
  }
}
