#!/usr/bin/env node
// Entry point: `chat-client [--protocol P] username host port`. All the decisions live in src/client
// (update: event → state and outputs); this file connects the socket, the terminal and the signals to it.
import net from 'node:net';
import split2 from 'split2';
import { describeConnectError, parseClientArgs, USAGE, type ClientOptions } from '../src/client/args.js';
import { promptOf, update } from '../src/client/session.js';
import { initialState, type ClientEvent, type Output } from '../src/client/types.js';
import { openTerminal, type Terminal } from './client/terminal.js';

/** How long to wait for a TCP connection before calling the host unreachable. */
const CONNECT_TIMEOUT_MS = 10_000;
/** How long to wait, after saying goodbye, for the server to close before closing ourselves. */
const QUIT_GRACE_MS = 2000;
/** Output may still be flushing when we decide to exit; past this, exit anyway. */
const EXIT_GRACE_MS = 1000;

function run({ username, host, port, dialect }: ClientOptions): void {
  let state = initialState(dialect, username, `${host}:${port}`);
  let terminal: Terminal | undefined;
  let quitTimer: NodeJS.Timeout | undefined;
  const socket = net.connect({ host, port });
  socket.setEncoding('utf8');
  socket.setTimeout(CONNECT_TIMEOUT_MS);

  const stop = (code: number, error?: string) => {
    if (error !== undefined) process.stderr.write(`chat-client: ${error}\n`);
    process.exitCode = code;
    socket.destroy();
    process.stdin.pause();
    setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
  };

  const perform = (output: Output) => {
    switch (output.kind) {
      case 'send': socket.write(`${output.line}\n`); break;
      case 'show': if (terminal) terminal.print(output.text); else process.stdout.write(`${output.text}\n`); break;
      case 'hangup': socket.end(); break;
      case 'exit': stop(output.code, output.error); break;
    }
  };

  // the prompt lives exactly while the state says we are chatting
  const syncTerminal = () => {
    if (state.phase === 'chatting') {
      terminal ??= openTerminal(promptOf(state), { line: (text) => dispatch({ kind: 'input', text }), leave: () => dispatch({ kind: 'leave' }) });
      terminal.setPrompt(promptOf(state));
    } else if (terminal) {
      terminal.close();
      terminal = undefined;
    }
    if (state.phase === 'quitting') quitTimer ??= setTimeout(() => socket.destroy(), QUIT_GRACE_MS).unref();
  };

  function dispatch(event: ClientEvent): void {
    const step = update(state, event);
    state = step.state;
    syncTerminal();
    for (const output of step.out) perform(output);
  }

  let connected = false;
  socket.once('connect', () => {
    connected = true;
    socket.setTimeout(0);
    socket.on('error', () => { /* the close that follows says it */ });
    socket.pipe(split2(/\r?\n/)).on('data', (text: string) => dispatch({ kind: 'line', text }));
    socket.once('close', () => dispatch({ kind: 'closed' }));
    dispatch({ kind: 'connected' });
  });
  socket.once('timeout', () => {
    socket.destroy();
    stop(1, describeConnectError('ETIMEDOUT', host, port));
  });
  socket.once('error', (error: NodeJS.ErrnoException) => {
    if (connected) return;
    stop(1, describeConnectError(error.code, host, port));
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => dispatch({ kind: 'leave' }));
}

const parsed = parseClientArgs(process.argv.slice(2));
if ('help' in parsed) process.stdout.write(USAGE);
else if ('error' in parsed) {
  process.stderr.write(`chat-client: ${parsed.error}\n\n${USAGE}`);
  process.exitCode = 2;
} else run(parsed.options);
