// How long the web page waits before it tries to reconnect: doubling from a first delay up to a cap, so
// a restarting server is found again within seconds and a server that stays down is not hammered.

export interface Backoff {
  readonly firstMs: number;
  readonly maxMs: number;
}

/** Half a second, then 1, 2, 4, 8 and at most 10 seconds between tries. */
export const RECONNECT: Backoff = { firstMs: 500, maxMs: 10_000 };

/**
 * The wait before try number `attempt` (0 for the first). `spread` (0 ≤ spread < 1, a random number the page draws) takes
 * up to a quarter off, so a room full of tabs does not reconnect in the same instant.
 */
export function reconnectDelay(attempt: number, spread = 0, { firstMs, maxMs }: Backoff = RECONNECT): number {
  const capped = Math.min(maxMs, firstMs * 2 ** Math.min(attempt, 30));
  return Math.round(capped * (1 - spread / 4));
}
