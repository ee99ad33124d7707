#!/usr/bin/env node
// Entry point: `chat-server [port] [peers-file] [options]`, or `chat-server replay …` / `chat-server tail …` / `chat-server check …`. Prints where it listens (and where the web page is), then `Server is on` once it accepts connections.
import { parseConfig, unknownVariables } from '../../src/config/config.js';
import { HELP } from '../../src/config/help.js';
import { startServer, StartupError } from '../app.js';
import { readDotenv } from './dotenv.js';
import { packageVersion } from './version.js';
import { writePidFile } from '../ops/pid-file.js';
import { isWorker, reportReady, runWorkers } from './workers.js';

const FORCED_EXIT_MS = 5000;

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'replay') {
    process.exitCode = await (await import('./replay.js')).replayMain(rest);
    return;
  }
  if (command === 'check') {
    process.exitCode = await (await import('./check.js')).checkMain(rest);
    return;
  }
  if (command === 'tail') {
    process.exitCode = await (await import('./tail.js')).tailMain(rest);
    return;
  }
  let dotenv: Record<string, string>;
  let dotenvLines: Record<string, number>;
  try {
    ({ values: dotenv, lines: dotenvLines } = readDotenv());
  } catch (error) {
    process.stderr.write(`chat-server: ${(error as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const result = parseConfig(process.argv.slice(2), process.env, dotenv, dotenvLines);
  if ('help' in result) {
    process.stdout.write(HELP);
    return;
  }
  if ('version' in result) {
    process.stdout.write(`chat-server ${packageVersion()}\n`);
    return;
  }
  if ('error' in result) {
    process.stderr.write(`chat-server: ${result.error}\n`);
    process.exitCode = 2;
    return;
  }
  const { config } = result;
  if (config.workers > 1 && !isWorker()) {
    for (const warning of unknownVariables(process.env, dotenv)) process.stderr.write(`chat-server: warning: ${warning}\n`);
    if (config.pidFile) writePidFile(config.pidFile);
    process.exitCode = await runWorkers(config.workers, (line) => process.stdout.write(`${line}\n`));
    process.exit();
  }
  if (!isWorker()) for (const warning of unknownVariables(process.env, dotenv)) process.stderr.write(`chat-server: warning: ${warning}\n`);
  const index = Number(process.env.CHAT_WORKER_INDEX);
  const server = await startServer(config, isWorker() && Number.isInteger(index) ? { worker: index } : {});
  if (config.pidFile && !isWorker()) writePidFile(config.pidFile);
  const lines = [
    `listening on ${server.address}:${server.port}`,
    ...(server.webUrl ? [`web page on ${server.webUrl}`] : []),
    ...(server.tlsPort !== undefined ? [`listening for TLS on ${server.address}:${server.tlsPort}`] : []),
    ...(server.metricsPort !== undefined ? [`metrics on http://${server.metricsAddress.includes(':') ? `[${server.metricsAddress}]` : server.metricsAddress}:${server.metricsPort}/metrics`] : []),
  ];
  // a worker leaves saying so to the primary, which speaks once for all of them
  if (isWorker()) reportReady(lines);
  else {
    for (const line of lines) server.log.say(line);
    server.log.say('Server is on');
  }
  // `kill -USR2 <pid>` logs what the server holds: each count is back to its idle value once clients are gone
  process.on('SIGUSR2', () => {
    void server.holdings().then((held) => server.log.log({ level: 'info', event: 'holdings', msg: `holding ${JSON.stringify(held)}`, ...held }));
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      setTimeout(() => process.exit(1), FORCED_EXIT_MS).unref();
      void server.stop(signal).then(() => process.exit(0));
    });
  }
  // logrotate: after it moves server.log away, SIGHUP makes the server write to a new file by the old name
  process.on('SIGHUP', () => { void server.reopenLog(); });
}

main().catch((error: unknown) => {
  // one line either way; a failure nobody foresaw says so, since there is no log to hold its stack yet
  process.stderr.write(`chat-server: ${error instanceof StartupError ? error.message : `could not start: ${String(error)}`}\n`);
  process.exit(1);
});
