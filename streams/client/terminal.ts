// The prompt: node readline on stdin/stdout. Text printed while someone types goes above the prompt, and
// the prompt comes back with the half-typed line and the cursor where they were.
import readline from 'node:readline';

export interface Terminal {
  /** Prints a line above the prompt, keeping what is being typed. */
  print(text: string): void;
  setPrompt(prompt: string): void;
  /** Removes the prompt and gives the terminal back (cooked mode); no more events. */
  close(): void;
}

export interface TerminalEvents {
  line(text: string): void;
  /** Ctrl-C, or Ctrl-D on an empty line. */
  leave(): void;
}

export function openTerminal(prompt: string, events: TerminalEvents): Terminal {
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

  rl.on('line', (text) => {
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
    setPrompt(next) {
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
