#!/usr/bin/env node
// `chat-server tail [FILE]`: prints server.log human-readably and follows it as it grows.
import { createReadStream, existsSync, statSync, watchFile } from 'node:fs';
import split2 from 'split2';
import { formatLogLine } from '../src/log/format.js';

const POLL_MS = 500;

export function tailMain(argv: readonly string[]): number {
  const file = argv[0] ?? process.env.CHAT_LOG ?? './server.log';
  if (!existsSync(file)) {
    process.stderr.write(`tail: no log at ${file} — pass the file, or set CHAT_LOG\n`);
    return 1;
  }
  let offset = 0;
  const readFrom = (start: number) => {
    const size = statSync(file).size;
    if (size < start) start = 0; // the log was truncated or replaced
    if (size === start) return;
    offset = size;
    createReadStream(file, { start, end: size - 1 })
      .pipe(split2())
      .on('data', (line: string) => process.stdout.write(formatLogLine(line) + '\n'));
  };
  readFrom(0);
  watchFile(file, { interval: POLL_MS }, () => readFrom(offset));
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const code = tailMain(process.argv.slice(2));
  if (code) process.exit(code);
}
