// The .env format: `NAME=value` a line, `#` comments and blank lines ignored, an optional `export ` before
// the name, a value in '…' or "…" kept as written (in "…", \n is a newline), and in an unquoted value a
// ` #` starts a comment. A line that is none of these is an error naming the line, never silently skipped.

/** `lines`: each name's line in the file (the last one wins, as for its value), so a bad value can name its line. */
export type DotenvResult = { readonly values: Readonly<Record<string, string>>; readonly lines: Readonly<Record<string, number>> } | { readonly error: string };

export function parseDotenv(text: string): DotenvResult {
  const values: Record<string, string> = {};
  const lines: Record<string, number> = {};
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `line ${index + 1}`;
    const equals = line.indexOf('=');
    if (equals < 0) return { error: `${where}: ${JSON.stringify(line)} has no = (write NAME=value)` };
    const name = line.slice(0, equals).replace(/^export\s+/, '').trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return { error: `${where}: ${JSON.stringify(name)} is not a variable name (letters, digits and _)` };
    const value = unquote(line.slice(equals + 1).trim());
    if (value === undefined) return { error: `${where}: the quote after ${name}= is not closed on that line` };
    values[name] = value;
    lines[name] = index + 1;
  }
  return { values, lines };
}

function unquote(text: string): string | undefined {
  const quote = text[0];
  if (quote !== '"' && quote !== "'") return text.replace(/\s+#.*$/, '');
  const end = text.indexOf(quote, 1);
  if (end < 0) return undefined;
  const inner = text.slice(1, end);
  return quote === '"' ? inner.replace(/\\n/g, '\n') : inner;
}
