// One way to read a command line, for the server, the client, tail and replay: Node's parseArgs, strict,
// with free arguments allowed, and a malformed command line as a value to report instead of a throw.
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

export function readArgs<const T extends Options>(argv: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options });
  } catch (error) {
    return { error: (error as Error).message };
  }
}
