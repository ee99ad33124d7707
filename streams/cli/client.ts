#!/usr/bin/env node
// Entry point: `chat-client [--protocol P] username host port`. All the decisions live in src/client
// (update: event → state and outputs); this file connects the socket, the terminal and the signals to it.
import net from 'node:net';
import split2 from 'split2';
import { describeConnectError, parseClientArgs, USAGE, type ClientOptions } from '../../src/client/args.js';
import { promptOf, shownAs, update } from '../../src/client/session.js';
import { initialState, type ClientEvent, type Output } from '../../src/client/types.js';
import { openTerminal, type Terminal } from './terminal.js';
import { packageVersion } from './version.js';

/** How long connecting and logging in may take before the client gives up (CHAT_CLIENT_TIMEOUT_MS overrides it). */
const CONNECT_TIMEOUT_MS = Number(process.env.CHAT_CLIENT_TIMEOUT_MS) || 10_000;
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
  let connected = false;
  let connectedAt = 0;
  // one deadline for connecting and logging in: a listener that accepts and never answers is no chat server
  const loginTimer = setTimeout(() => {
    state = { ...state, phase: 'done' };
    stop(1, connected
      ? `cannot log in to ${host}:${port}: no answer in ${CONNECT_TIMEOUT_MS / 1000} s — is that a chat server, and the right port?`
      : describeConnectError('ETIMEDOUT', host, port));
  }, CONNECT_TIMEOUT_MS);
  // a reader that went away (`| head`, a closed terminal): hang up quietly, no stack trace
  process.stdout.on('error', () => {
    socket.destroy();
    process.exit(process.exitCode ?? 1);
  });

  const stop = (code: number, error?: string) => {
    clearTimeout(loginTimer);
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
      case 'askSecret': if (terminal) terminal.askSecret(output.prompt); else process.stdout.write(output.prompt); break;
      case 'exit': stop(output.code, output.error); break;
    }
  };

  // the prompt lives exactly while the state says we are chatting
  const syncTerminal = () => {
    if (state.phase === 'chatting') {
      terminal ??= openTerminal(promptOf(state), { line: (text) => dispatch({ kind: 'input', text }), leave: () => dispatch({ kind: 'leave' }) }, shownAs);
      terminal.setPrompt(promptOf(state));
    } else if (terminal) {
      terminal.close();
      terminal = undefined;
    }
    if (state.phase !== 'connecting') clearTimeout(loginTimer);
    if (state.phase === 'quitting') quitTimer ??= setTimeout(() => socket.destroy(), QUIT_GRACE_MS).unref();
  };

  function dispatch(event: ClientEvent): void {
    const step = update(state, event);
    state = step.state;
    syncTerminal();
    for (const output of step.out) perform(output);
  }

  socket.once('connect', () => {
    connected = true;
    connectedAt = Date.now();
    socket.on('error', () => { /* the close that follows says it */ });
    socket.pipe(split2(/\r?\n/)).on('data', (text: string) => dispatch({ kind: 'line', text }));
    socket.once('close', () => dispatch({ kind: 'closed', afterMs: Date.now() - connectedAt }));
    dispatch({ kind: 'connected' });
  });
  socket.once('error', (error: NodeJS.ErrnoException) => {
    if (connected) return;
    stop(1, describeConnectError(error.code, host, port));
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => dispatch({ kind: 'leave' }));
}

const parsed = parseClientArgs(process.argv.slice(2));
if ('help' in parsed) process.stdout.write(USAGE);
else if ('version' in parsed) process.stdout.write(`chat-client ${packageVersion()}\n`);
else if ('error' in parsed) {
  process.stderr.write(`chat-client: ${parsed.error}\n${'option' in parsed ? 'see chat-client --help\n' : `\n${USAGE}`}`);
  process.exitCode = 2;
} else run(parsed.options);
