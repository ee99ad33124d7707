// `chat-server check HOST:PORT --dialect D` (or `--with cross-dialect`): runs a bundled conformance suite against a
// live server, one rule at a time, and reports each (see docs/check.md).
import { writeFileSync } from 'node:fs';
import { CHECK_USAGE, parseCheckArgs } from '../../src/check/args.js';
import { selected } from '../../src/check/plan.js';
import { formatReport, jsonReport } from '../../src/check/report.js';
import { exitCode, type CheckRun } from '../../src/check/result.js';
import { portOf } from '../../src/check/ports.js';
import { suiteOf } from '../../src/check/suite.js';
import { routedTransport } from './check/route.js';
import { runSuite } from './check/run.js';
import { loadSuite } from './check/suites.js';

/** Colours only on a terminal, and never with NO_COLOR set (https://no-color.org). */
export function useColor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR;
}

export async function checkMain(argv: readonly string[]): Promise<number> {
  const parsed = parseCheckArgs(argv);
  if ('help' in parsed) {
    process.stdout.write(CHECK_USAGE);
    return 0;
  }
  if ('error' in parsed) {
    process.stderr.write(`check: ${parsed.error}\n`);
    return 2;
  }
  const { options } = parsed;
  const cases = options.suites.flatMap((suite) => loadSuite(suite)).filter((c) => selected(c, options));
  if (options.list) {
    // a reader that stops early (`check --list | head`) is not an error
    process.stdout.on('error', (error: NodeJS.ErrnoException) => { if (error.code === 'EPIPE') process.exit(0); throw error; });
    for (const c of cases) process.stdout.write(`${c.id}  ${c.title}\n`);
    return 0;
  }
  if (cases.length === 0) {
    process.stderr.write(`check: --only/--skip leave no rule to run (see check ${options.dialect ? `--dialect ${options.dialect}` : '--with cross-dialect'} --list)\n`);
    return 2;
  }
  const target = `${options.host}:${options.port}`;
  const rules = await runSuite(cases, {
    ...options,
    waitMs: options.timeoutMs,
    transport: async (recording, c) => routedTransport(options.host, (conn) => portOf(recording, conn, suiteOf(c.id) ?? options.suites[0], options.port, options.ports), options.timeoutMs),
    onResult: (r) => { if (process.stderr.isTTY) process.stderr.write(`\r${r.status === 'fail' ? '✗' : '·'} ${r.id}\x1b[K`); },
  });
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  const run: CheckRun = { target, ...(options.dialect ? { dialect: options.dialect } : {}), suites: options.suites, rules };
  process.stdout.write(formatReport(run, { color: useColor(process.stdout, process.env) }));
  if (options.json) {
    try {
      writeFileSync(options.json, jsonReport(run));
    } catch (error) {
      process.stderr.write(`check: cannot write ${options.json}: ${(error as Error).message}\n`);
      return 2;
    }
  }
  return exitCode(run);
}
