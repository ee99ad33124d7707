#!/usr/bin/env node
// `chat-server tail [FILE] [options]`: prints server.log human-readably and follows it, across truncation
// (it starts again from the top) and rotation (it finishes the old file, then reads the new one), and waits
// for a log that is not there yet, like tail -F.
import { closeSync, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { escapeControls } from '../../src/log/escape.js';
import { formatLogLine } from '../../src/log/format.js';
import { parseTailArgs, shows, TAIL_USAGE, type TailOptions } from '../../src/log/tail.js';

/** How often the file is looked at for new lines, truncation and rotation. */
const POLL_MS = 200;
const CHUNK_BYTES = 64 * 1024;
/** Bytes just before the read position that must still be there; if they changed, the file was truncated and written again. */
const SEEN_BYTES = 64;

/** Reads a file from an offset on; knows when its name now points at another file (rotation). */
class Follower {
  private fd: number;
  private ino: number;
  private offset = 0;
  private partial = '';
  /** The last bytes read, to notice a file truncated and refilled past our position between two looks. */
  private seen = Buffer.alloc(0);
  private readonly decoder = new TextDecoder();

  constructor(private readonly file: string, private readonly emit: (line: string) => void) {
    this.fd = openSync(file, 'r');
    this.ino = fstatSync(this.fd).ino;
  }

  /** Emits every complete line written since the last call. */
  poll(): void {
    this.drain();
    const now = statSync(this.file, { throwIfNoEntry: false });
    if (now && now.ino !== this.ino) {
      // rotated: the name now holds a new file; finish the old one (lines may have landed since the
      // drain above), then read the new one from its start
      this.drain();
      closeSync(this.fd);
      this.fd = openSync(this.file, 'r');
      this.ino = fstatSync(this.fd).ino;
      this.restart();
      this.drain();
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  private restart(): void {
    this.offset = 0;
    this.partial = '';
    this.seen = Buffer.alloc(0);
  }

  private stillThere(): boolean {
    if (this.seen.length === 0) return true;
    const now = Buffer.alloc(this.seen.length);
    readSync(this.fd, now, 0, now.length, this.offset - now.length);
    return now.equals(this.seen);
  }

  private drain(): void {
    const size = fstatSync(this.fd).size;
    // truncated: start again from the top
    if (size < this.offset || !this.stillThere()) this.restart();
    const buffer = Buffer.alloc(CHUNK_BYTES);
    while (this.offset < size) {
      const read = readSync(this.fd, buffer, 0, Math.min(CHUNK_BYTES, size - this.offset), this.offset);
      if (read === 0) break;
      this.offset += read;
      this.seen = Buffer.concat([this.seen, buffer.subarray(0, read)]).subarray(-SEEN_BYTES);
      const lines = (this.partial + this.decoder.decode(buffer.subarray(0, read), { stream: true })).split('\n');
      this.partial = lines.pop()!;
      for (const line of lines) if (line !== '') this.emit(line);
    }
  }
}

export async function tailMain(argv: readonly string[]): Promise<number> {
  const parsed = parseTailArgs(argv, process.env, Date.now());
  if ('help' in parsed) {
    process.stdout.write(TAIL_USAGE);
    return 0;
  }
  if ('error' in parsed) {
    process.stderr.write(`tail: ${parsed.error}\n`);
    return 2;
  }
  return follow(parsed.options);
}

function follow({ file, filter, json, follow: keepGoing }: TailOptions): Promise<number> {
  // a reader that went away (`| head`) ends the tail quietly
  process.stdout.on('error', () => process.exit(0));
  const open = () => new Follower(file, (line) => {
    if (shows(line, filter)) process.stdout.write((json ? escapeControls(line, { json: true }) : formatLogLine(line)) + '\n');
  });
  const fail = (error: unknown) => {
    process.stderr.write(`tail: cannot read ${file}: ${(error as Error).message} — pass the file, or set CHAT_LOG\n`);
    return 1;
  };
  const missing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';
  const run = (follower: Follower) => {
    follower.poll();
    if (!keepGoing) {
      follower.close();
      return Promise.resolve(0);
    }
    setInterval(() => follower.poll(), POLL_MS);
    return new Promise<number>(() => {}); // follows until stopped (Ctrl-C)
  };
  try {
    return run(open());
  } catch (error) {
    if (!missing(error)) return Promise.resolve(fail(error));
    // a folder that is not there is a mistyped path, not a server yet to start
    if (!keepGoing || !existsSync(dirname(resolvePath(file)))) {
      process.stderr.write(`tail: no log at ${file} — pass the file, or set CHAT_LOG\n`);
      return Promise.resolve(1);
    }
  }
  // like tail -F: a log that is not there yet (the server has not started) is waited for
  process.stderr.write(`tail: no log at ${file} yet; waiting for it (Ctrl-C to stop)\n`);
  return new Promise<number>((resolve) => {
    const wait = setInterval(() => {
      try {
        const follower = open();
        clearInterval(wait);
        void run(follower);
      } catch (error) {
        if (!missing(error)) {
          clearInterval(wait);
          resolve(fail(error));
        }
      }
    }, POLL_MS);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  void tailMain(process.argv.slice(2)).then((code) => { if (code) process.exit(code); });
}
