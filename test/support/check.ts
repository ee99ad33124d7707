// Runs `chat-server check` (the built entry point) as a child process, as a tester would.
import { spawn } from 'node:child_process';
import { SERVER_ENTRY } from './server.js';

export interface CheckOutput {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * How long check waits for each expected line unless a test says `--timeout`: a bound, not a wait (a passing
 * rule never waits it out), longer than check's own 3 s because the tests run several servers at once on a
 * machine that may be busy.
 */
const CHECK_WAIT_MS = '15000';

/** `chat-server check ARGS`; killed after `limitMs` (a suite of ~30 rules takes seconds on a live server). */
export function runCheck(args: readonly string[], limitMs = 90_000, env: Readonly<Record<string, string>> = {}): Promise<CheckOutput> {
  const patient = args.includes('--timeout') ? args : [...args, '--timeout', CHECK_WAIT_MS];
  return new Promise((done) => {
    const child = spawn(process.execPath, [SERVER_ENTRY, 'check', ...patient], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
    child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.once('close', (code) => { clearTimeout(timer); done({ code, stdout, stderr }); });
  });
}

/** The ids of the rules a report marks with `mark` (✓, ✗ or -). */
export function rulesMarked(report: string, mark: '✓' | '✗' | '-'): string[] {
  return [...report.matchAll(new RegExp(`^  ${mark} (\\S+)`, 'gm'))].map((m) => m[1]).sort();
}

/** Starts a small script server from test/support (it prints `listening on HOST:PORT…` in one line); resolves with its
 * first port, that line, and a stop. */
export function startScriptServer(script: string, args: readonly string[] = []): Promise<{ port: number; line: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${script} did not start: ${out}`)); }, 10_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const started = /listening on [^\s]+:(\d+).*\n/.exec(out);
      if (!started) return;
      clearTimeout(timer);
      resolve({ port: Number(started[1]), line: started[0].trim(), stop: async () => { child.kill('SIGTERM'); await exited; } });
    });
  });
}
