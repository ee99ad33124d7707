#!/usr/bin/env node
// `chat-server replay FILE... [--host H] [--port P]`: plays recordings against a live server.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseRecording } from '../src/recording/parse.js';
import { replay } from './replay/run.js';
import { tcpTransport } from './replay/tcp.js';

export async function replayMain(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, options: { host: { type: 'string' }, port: { type: 'string' } } });
  } catch (error) {
    process.stderr.write(`replay: ${(error as Error).message}\n`);
    return 2;
  }
  const { values, positionals: files } = parsed;
  const host = values.host ?? '127.0.0.1';
  const port = Number(values.port ?? '5378');
  if (!files.length || !Number.isInteger(port) || port < 1 || port > 65535) {
    process.stderr.write('usage: chat-server replay FILE... [--host 127.0.0.1] [--port 5378]\n');
    return 2;
  }
  let failed = 0;
  for (const file of files) {
    const recording = parseRecording(await readFile(file, 'utf8'));
    if ('error' in recording) {
      process.stdout.write(`✗ ${file}: ${recording.error}\n`);
      failed++;
      continue;
    }
    if (Object.keys(recording.settings).length) process.stdout.write(`  ${file}: settings ${JSON.stringify(recording.settings)} apply only in-process; the live server keeps its own\n`);
    const transport = tcpTransport(host, port);
    const result = await replay(recording, transport).finally(() => transport.stop());
    process.stdout.write(result.ok ? `✓ ${file}\n` : `✗ ${file}: ${result.failure}\n`);
    if (!result.ok) failed++;
  }
  process.stdout.write(`${files.length - failed} passed, ${failed} failed\n`);
  return failed ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  replayMain(process.argv.slice(2)).then((code) => process.exit(code), (error: Error) => {
    process.stderr.write(`replay: ${error.message}\n`);
    process.exit(1);
  });
}
