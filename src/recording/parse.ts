// The recording format: one event a line, readable by a person (see ARCHITECTURE.md, "Replay").
//
//   # comment                         @max-users 2        a setting for the in-process server
//   a ~          connection a opens (also implied by its first use)
//   a ~ 127.0.0.2  connection a opens from this address (a federation peer, say)
//   a > LOGIN x  a sends a line (a `\n` is added)
//   a >> A\r\n   a sends exactly these bytes (\r \n \t \0 \\ \xNN escapes)
//   a < RESULT   the next line the server sends to a must be exactly this
//   a << A\x1b  the same, written with the escapes of `>>` (a client's control characters, passed on)
//   a <!         the server closes a (after the lines expected before)
//   a !          a closes its sending side (it still reads until the server closes: expect `a <!`)
//   a !w         writes to a fail from now on (in-process only: a broken socket)
//
// Fresh names: a `$` right after a letter, an accent or a digit (`alice$`, `room$`) stands for a tag made new for each
// run, the same everywhere in that run, so a recording passes against a server that already knows its
// names. `$pw-alice-1`, `$pw-alice-2`… (and the older `$pw1`, `$pw2`…) stand for passwords (what `--record`
// writes instead of them), each filled in consistently within a run.

export type RecordedEvent =
  | { readonly op: 'open'; readonly conn: string; readonly from?: string; readonly line: number }
  | { readonly op: 'send'; readonly conn: string; readonly bytes: Uint8Array; readonly line: number }
  | { readonly op: 'expect'; readonly conn: string; readonly text: string; readonly line: number }
  | { readonly op: 'expectClose'; readonly conn: string; readonly line: number }
  | { readonly op: 'close'; readonly conn: string; readonly line: number }
  | { readonly op: 'breakWrites'; readonly conn: string; readonly line: number };

export interface Recording {
  readonly settings: Readonly<Record<string, string>>;
  readonly events: readonly RecordedEvent[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Turns `\r`, `\n`, `\t`, `\0`, `\\` and `\xNN` into bytes; everything else is UTF-8. */
export function unescapeBytes(text: string): Uint8Array {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '\\' && i + 1 < text.length) {
      const next = text[++i];
      const simple: Record<string, number> = { r: 13, n: 10, t: 9, '0': 0, '\\': 92 };
      if (next in simple) bytes.push(simple[next]);
      else if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
        bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
        i += 2;
      } else bytes.push(...encoder.encode('\\' + next));
    } else {
      const codePoint = text.codePointAt(i)!;
      const whole = String.fromCodePoint(codePoint);
      bytes.push(...encoder.encode(whole));
      i += whole.length - 1;
    }
  }
  return Uint8Array.from(bytes);
}

/** The settings a recording may ask for (see settings.ts for what each means). */
export const KNOWN_SETTINGS: readonly string[] = ['protocol', 'max-users', 'max-line', 'name', 'peers', 'fresh', 'max-channels-per-user', 'max-channels', 'register-per-hour'];

export interface ParseOptions {
  /** What a `$` after a name becomes in this run (default: nothing, so `alice$` is `alice`). */
  readonly tag?: string;
}

/** Fills in the run's fresh names (`alice$`) and passwords (`$pw-alice-1`, `$pw1`). */
export function freshen(text: string, tag: string): string {
  return text.replace(/\$pw-([\p{L}\p{M}\p{N}_]*)-(\d+)/gu, `pw-$1-$2${tag}`).replace(/\$pw(\d+)\b/g, `pw$1${tag}`).replace(/(?<=[\p{L}\p{M}\p{N}_])\$/gu, tag);
}

export function parseRecording(text: string, { tag = '' }: ParseOptions = {}): Recording | { readonly error: string } {
  const settings: Record<string, string> = {};
  const events: RecordedEvent[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const line = index + 1;
    const source = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (source.trim() === '' || source.startsWith('#')) continue;
    const setting = /^@([\w-]+)(?:\s+(.*))?$/.exec(source);
    if (setting) {
      if (!KNOWN_SETTINGS.includes(setting[1])) return { error: `line ${line}: unknown setting @${setting[1]} (known: ${KNOWN_SETTINGS.map((s) => '@' + s).join(' ')})` };
      settings[setting[1]] = (setting[2] ?? '').trim();
      continue;
    }
    const match = /^([\w-]+) (~|>>|>|<<|<!|<|!w|!)(?: (.*))?$/.exec(source);
    if (!match) return { error: `line ${line}: cannot read ${JSON.stringify(source)}` };
    const [, conn, op, written] = match;
    const rest = written === undefined ? undefined : freshen(written, tag);
    switch (op) {
      case '~': events.push(rest ? { op: 'open', conn, from: rest.trim(), line } : { op: 'open', conn, line }); break;
      case '>': events.push({ op: 'send', conn, bytes: encoder.encode((rest ?? '') + '\n'), line }); break;
      case '>>': events.push({ op: 'send', conn, bytes: unescapeBytes(rest ?? ''), line }); break;
      case '<': events.push({ op: 'expect', conn, text: rest ?? '', line }); break;
      case '<<': events.push({ op: 'expect', conn, text: decoder.decode(unescapeBytes(rest ?? '')), line }); break;
      case '<!': events.push({ op: 'expectClose', conn, line }); break;
      case '!': events.push({ op: 'close', conn, line }); break;
      case '!w': events.push({ op: 'breakWrites', conn, line }); break;
    }
  }
  return { settings, events };
}
