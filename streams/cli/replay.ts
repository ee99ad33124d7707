#!/usr/bin/env node
// `chat-server replay FILE... [--port P [--host H]]`: plays recordings in-process or against a live server.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRecording, type Recording } from '../../src/recording/parse.js';
import { parseReplayArgs, REPLAY_USAGE, type ReplayOptions } from '../../src/recording/args.js';
import { inProcessServer, liveSkipReason } from '../../src/recording/settings.js';
import { instantiate, parseSuite } from '../../src/check/suite.js';
import { memoryTransport } from './replay/memory.js';
import { replay, type ReplayResult } from './replay/run.js';
import { tcpTransport } from './replay/tcp.js';

/** A tag for a run's fresh names (`alice$`): short, lower-case letters and digits, valid in every dialect. */
export function freshTag(): string {
  return randomBytes(4).readUInt32BE().toString(36).padStart(6, '0').slice(-6);
}

/** Plays one recording in this process: the real pipeline, a new database in a temp folder, its @ settings. */
export async function replayInProcess(recording: Recording, timeoutMs: number): Promise<ReplayResult> {
  const dir = mkdtempSync(join(tmpdir(), 'chat-replay-'));
  try {
    const transport = await memoryTransport({ dbFile: join(dir, 'chat.db'), ...inProcessServer(recording.settings) });
    try {
      return await replay(recording, transport, timeoutMs);
    } finally {
      await transport.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function playFile(file: string, options: ReplayOptions): Promise<{ status: 'passed' | 'failed' | 'skipped'; line: string }> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { status: 'failed', line: `✗ ${file}: cannot read it: ${(error as Error).message}` };
  }
  if (/^@clause\s/m.test(text)) return playSuite(file, text, options);
  const recording = parseRecording(text, { tag: freshTag() });
  if ('error' in recording) return { status: 'failed', line: `✗ ${file}: ${recording.error}` };
  return playRecording(file, recording, options);
}

async function playRecording(file: string, recording: Recording, options: ReplayOptions): Promise<{ status: 'passed' | 'failed' | 'skipped'; line: string }> {
  let result: ReplayResult;
  if (options.live) {
    const skip = liveSkipReason(recording, options.assumeSettings);
    if (skip) return { status: 'skipped', line: `- ${file}: skipped: ${skip}` };
    const transport = tcpTransport(options.live.host, options.live.port, options.timeoutMs);
    result = await replay(recording, transport, options.timeoutMs).finally(() => transport.stop());
  } else {
    result = await replayInProcess(recording, options.timeoutMs);
  }
  return result.ok ? { status: 'passed', line: `✓ ${file}` } : { status: 'failed', line: `✗ ${file}: ${result.failure}` };
}

/** A conformance suite (conformance/*.rec): each `@clause` case plays on its own, with its own fresh names. */
async function playSuite(file: string, text: string, options: ReplayOptions): Promise<{ status: 'passed' | 'failed' | 'skipped'; line: string }> {
  const suite = parseSuite(text, file);
  if ('error' in suite) return { status: 'failed', line: `✗ ${suite.error}` };
  const lines: string[] = [];
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const c of suite.cases) {
    const written = parseRecording(c.body);
    const maxLine = 'error' in written || !written.settings['max-line'] ? undefined : Number(written.settings['max-line']);
    const serverName = 'error' in written ? undefined : written.settings.name;
    const played = await playRecording(`${file} ${c.id}`, instantiate(c, { tag: freshTag(), ...(maxLine ? { maxLine } : {}), ...(serverName ? { serverName } : {}) }), options);
    counts[played.status]++;
    if (played.status !== 'passed') lines.push('  ' + played.line);
  }
  const status = counts.failed ? 'failed' : counts.passed ? 'passed' : 'skipped';
  const mark = { passed: '✓', failed: '✗', skipped: '-' }[status];
  return { status, line: [`${mark} ${file}: ${suite.cases.length} clauses, ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`, ...lines].join('\n') };
}

export async function replayMain(argv: readonly string[]): Promise<number> {
  const parsed = parseReplayArgs(argv);
  if ('help' in parsed) {
    process.stdout.write(REPLAY_USAGE);
    return 0;
  }
  if ('error' in parsed) {
    process.stderr.write(`replay: ${parsed.error}\n`);
    return 2;
  }
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const file of parsed.options.files) {
    const { status, line } = await playFile(file, parsed.options);
    counts[status]++;
    process.stdout.write(line + '\n');
  }
  process.stdout.write(`replayed ${parsed.options.files.length} file(s): ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  return counts.failed ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  replayMain(process.argv.slice(2)).then((code) => process.exit(code), (error: Error) => {
    process.stderr.write(`replay: ${error.message}\n`);
    process.exit(1);
  });
}
