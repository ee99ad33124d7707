// What a replay needs from a connection, whether in memory or over TCP.

export interface ReplayConnection {
  write(bytes: Uint8Array): void;
  /** The client closes its end. */
  end(): void;
  /** Next line from the server; rejects on timeout or when the server closed with nothing left to read. */
  next(timeoutMs: number): Promise<string>;
  /** Resolves once the server has closed this connection. */
  closed(timeoutMs: number): Promise<void>;
  unread(): readonly string[];
  /** Writes to this connection fail from now on (only an in-memory server can do this). */
  breakWrites?(): void;
  /** Writes to this connection throw from now on (in memory only). */
  throwOnWrite?(): void;
}

export interface Transport {
  /** Opens connection `name`, from the address `from` when given (a loopback address of this machine). */
  open(name: string, from?: string): Promise<ReplayConnection>;
  /** Resolves when the server has nothing left in flight (in memory), or after a short quiet spell (TCP). */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** Collects a stream of text into lines and lets callers wait for them. */
export class LineQueue {
  private buffer = '';
  private readonly lines: string[] = [];
  private done = false;
  private readonly waiters = new Set<() => void>();

  push(chunk: string): void {
    this.buffer += chunk;
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      this.lines.push(this.buffer.slice(0, newline));
      this.buffer = this.buffer.slice(newline + 1);
    }
    this.wake();
  }

  end(): void {
    this.done = true;
    this.wake();
  }

  unread(): readonly string[] {
    return [...this.lines];
  }

  next(timeoutMs: number): Promise<string> {
    return this.wait(timeoutMs, 'a line', () => {
      if (this.lines.length) return { value: this.lines.shift()! };
      if (this.done) throw new Error('the server closed the connection instead');
      return undefined;
    });
  }

  closed(timeoutMs: number): Promise<void> {
    return this.wait(timeoutMs, 'the server to close the connection', () => {
      if (this.lines.length) throw new Error(`expected the connection to close, but got ${JSON.stringify(this.lines[0])}`);
      return this.done ? { value: undefined } : undefined;
    });
  }

  /** Resolves once the stream ended, whatever is still unread. */
  ended(timeoutMs: number): Promise<void> {
    return this.wait(timeoutMs, 'the server to close the connection', () => (this.done ? { value: undefined } : undefined));
  }

  private wait<T>(timeoutMs: number, what: string, ready: () => { value: T } | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const attempt = () => {
        try {
          const result = ready();
          if (!result) return;
          finish();
          resolve(result.value);
        } catch (error) {
          finish();
          reject(error as Error);
        }
      };
      const timer = setTimeout(() => { finish(); reject(new Error(`timed out waiting for ${what}`)); }, timeoutMs);
      const finish = () => { clearTimeout(timer); this.waiters.delete(attempt); };
      this.waiters.add(attempt);
      attempt();
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
