// Turning a server's traffic into the recording format (see parse.ts): one event a line, passwords replaced
// by placeholders. Pure: the recorder in streams/ hands in what it saw and writes what comes back.

/** channels: REGISTER and LOGIN carry the password as their second argument (the rest of the words too, should there be more). */
const PASSWORD_VERBS: ReadonlySet<string> = new Set(['REGISTER', 'LOGIN']);

/** Gives each distinct password a placeholder, `$pw1`, `$pw2`…, the same one every time it comes back. */
export class Placeholders {
  private readonly names = new Map<string, string>();

  of(password: string): string {
    let name = this.names.get(password);
    if (name === undefined) {
      name = `$pw${this.names.size + 1}`;
      this.names.set(password, name);
    }
    return name;
  }
}

/** A line a client sent, its passwords replaced by placeholders. */
export function withoutPasswords(line: string, placeholders: Placeholders): string {
  const words = line.split(' ');
  if (!PASSWORD_VERBS.has(words[0]!) || words.length < 3) return line;
  return [words[0], words[1], ...words.slice(2).map((word) => placeholders.of(word))].join(' ');
}

/** `\r \n \t \0 \\` and other control characters as the recording's escapes; everything else as it is. */
function escape(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\\]/g, (char) => {
    switch (char) {
      case '\\': return '\\\\';
      case '\r': return '\\r';
      case '\n': return '\\n';
      case '\t': return '\\t';
      case '\0': return '\\0';
      default: return `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
    }
  });
}

/** `c1 > text`, or `c1 >> text\n` with escapes when the line holds anything a plain line would not keep. */
export function sentLine(conn: string, text: string): string {
  const plain = !/[\u0000-\u001f\u007f\\]/.test(text) && !/\s$/.test(text);
  return plain ? `${conn} > ${text}` : `${conn} >> ${escape(text)}\\n`;
}

export function expectedLine(conn: string, text: string): string {
  return `${conn} < ${text}`;
}

export interface RecordedServer {
  readonly protocol: string;
  readonly maxUsers: number;
  readonly maxLineLength: number;
  readonly defaultMaxLineLength: number;
  /** Set when the server federates: its name and peers (`host:port`). */
  readonly federation?: { readonly name: string; readonly peers: readonly string[] };
}

/** The first lines of a recording: when it was made, and the @ settings an in-process replay needs to match the server. */
export function recordingHeader(server: RecordedServer, startedAt: string): string[] {
  return [
    `# recorded by chat-server --record, ${startedAt}; passwords are $pw1, $pw2… (replay fills them in)`,
    ...(server.protocol !== 'auto' ? [`@protocol ${server.protocol}`] : []),
    ...(server.maxUsers !== 16 ? [`@max-users ${server.maxUsers}`] : []),
    ...(server.maxLineLength !== server.defaultMaxLineLength ? [`@max-line ${server.maxLineLength}`] : []),
    ...(server.federation ? [`@name ${server.federation.name}`, `@peers ${server.federation.peers.join(' ')}`] : []),
  ];
}
