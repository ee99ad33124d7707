// Log lines about something that can repeat as fast as a client likes (refused connections), summarised:
// the first one as it happens, then one line per window with the count, so no client can flood the log.
import type { LogEvent } from '../../src/core/types.js';

/** One summary line per key per 10 s, however many events. */
export const SUMMARY_MS = 10_000;

interface Window {
  count: number;
  readonly timer: NodeJS.Timeout;
}

export class Summary {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly log: (event: LogEvent) => void, private readonly windowMs = SUMMARY_MS) {}

  get windowSeconds(): number {
    return Math.round(this.windowMs / 1000);
  }

  /** Logs `first` now if nothing about `key` was logged in this window; else counts it for `summary`. */
  note(key: string, first: () => LogEvent, summary: (count: number) => LogEvent): void {
    const open = this.windows.get(key);
    if (open) {
      open.count++;
      return;
    }
    this.log(first());
    const window: Window = {
      count: 0,
      timer: setTimeout(() => {
        this.windows.delete(key);
        if (window.count > 0) this.log(summary(window.count));
      }, this.windowMs).unref(),
    };
    this.windows.set(key, window);
  }

  /** Keys with a window open, for the leak counts. */
  get size(): number {
    return this.windows.size;
  }
}
