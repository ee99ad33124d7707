// Messages forwarded to another node that wait to hear whether they were written there (a direct SEND's
// SEND-OK does). Each waits at most `timeoutMs`: a node that died never answers.
export class AckWaits {
  private next = 0;
  private readonly waiting = new Map<number, (ok: boolean) => void>();

  constructor(private readonly timeoutMs: number) {}

  /** Publishes with a fresh id; resolves with the answer, or false if publishing failed or no answer came in time. */
  wait(publish: (id: number) => Promise<boolean>): Promise<boolean> {
    return new Promise((resolve) => {
      const id = ++this.next;
      const timer = setTimeout(() => this.settle(id, false), this.timeoutMs);
      timer.unref();
      this.waiting.set(id, (ok) => {
        clearTimeout(timer);
        resolve(ok);
      });
      void publish(id).then((sent) => { if (!sent) this.settle(id, false); });
    });
  }

  settle(id: number, ok: boolean): void {
    const resolve = this.waiting.get(id);
    this.waiting.delete(id);
    resolve?.(ok);
  }

  /** Every wait ends as not written. */
  close(): void {
    for (const id of [...this.waiting.keys()]) this.settle(id, false);
  }
}
