// The prompt: node readline on stdin/stdout. Text printed while someone types goes above the prompt, and
// the prompt comes back with the half-typed line and the cursor where they were.
import readline from 'node:readline';

export interface Terminal {
  /** Prints a line above the prompt, keeping what is being typed. */
  print(text: string): void;
  setPrompt(prompt: string): void;
  /** Reads the next line without showing what is typed (a password), after `prompt`; it stays out of the history. */
  askSecret(prompt: string): void;
  /** Removes the prompt and gives the terminal back (cooked mode); no more events. */
  close(): void;
}

export interface TerminalEvents {
  line(text: string): void;
  /** Ctrl-C, or Ctrl-D on an empty line. */
  leave(): void;
}

/** How a typed line may stay on screen and in the history (a password replaced by stars). */
export type Shown = (typed: string) => string;

export function openTerminal(prompt: string, events: TerminalEvents, shownAs: Shown = (typed) => typed): Terminal {
  const input = process.stdin;
  const output = process.stdout;
  const tty = Boolean(input.isTTY && output.isTTY);
  const rl = readline.createInterface({ input, output, prompt, terminal: tty });
  let open = true;

  // wipe every row the prompt and the typed text take up (a long line wraps), from its first row down
  const clearPromptRows = () => {
    readline.moveCursor(output, 0, -rl.getCursorPos().rows);
    readline.cursorTo(output, 0);
    readline.clearScreenDown(output);
  };

  // Before redrawing, readline climbs the rows it counted at its last redraw (`prevRows`, not in its
  // typings; typing past the right edge does not update it). Leaving that many blank rows to climb puts
  // the redrawn prompt right under the printed text; without the count, it is 0 and we behave as before.
  const rowsReadlineClimbs = () => (rl as unknown as { prevRows?: number }).prevRows || 0;

  // While a password is typed, readline shows the prompt and nothing of the line (`_writeToOutput` is how
  // readline writes everything; not in its typings).
  let secret = false;
  const writer = rl as unknown as { _writeToOutput(text: string): void; history: string[] };
  const write = writer._writeToOutput.bind(rl);
  writer._writeToOutput = (text) => {
    if (!secret) return write(text);
    if (text.startsWith(rl.getPrompt())) write(rl.getPrompt());
  };

  rl.on('line', (text) => {
    if (secret) {
      secret = false;
      if (writer.history[0] === text) writer.history.shift();
    } else if (tty && shownAs(text) !== text) {
      // the line was shown as typed: show it again with its password hidden, and keep it so in the history
      readline.moveCursor(output, 0, -Math.max(1, Math.ceil((rl.getPrompt().length + text.length) / (output.columns || 80))));
      readline.cursorTo(output, 0);
      readline.clearScreenDown(output);
      output.write(`${rl.getPrompt()}${shownAs(text)}\n`);
      if (writer.history[0] === text) writer.history[0] = shownAs(text);
    }
    events.line(text);
    if (open && tty) rl.prompt();
  });
  rl.on('SIGINT', () => events.leave());
  // Ctrl-D on an empty line closes readline itself
  rl.on('close', () => { if (open) { open = false; if (tty) clearPromptRows(); events.leave(); } });
  // without a terminal (input piped in) a prompt would only litter the output
  if (tty) rl.prompt();

  return {
    print(text) {
      if (!open || !tty) { output.write(`${text}\n`); return; }
      clearPromptRows();
      output.write(`${text}\n${'\n'.repeat(rowsReadlineClimbs())}`);
      rl.prompt(true);
    },
    askSecret(ask) {
      if (!open) return;
      secret = true;
      rl.setPrompt(ask);
      if (tty) rl.prompt(true);
    },
    setPrompt(next) {
      if (secret) return; // the password prompt stays until the password is typed
      if (!open || next === rl.getPrompt()) return;
      rl.setPrompt(next);
      if (tty) rl.prompt(true);
    },
    close() {
      if (!open) return;
      open = false;
      if (tty) clearPromptRows();
      rl.close();
    },
  };
}
