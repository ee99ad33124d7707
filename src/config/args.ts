// One way to read a command line, for the server, the client, tail and replay: Node's parseArgs, strict,
// with free arguments allowed, and a malformed command line as a value to report instead of a throw. Node's
// own messages are long and quote oddly, so the two a person meets get one short sentence each.
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `unknown option --x`, `--x needs a value` or `--x takes no value`, from parseArgs' error. */
export function describeArgsError(error: Error & { code?: string }): string {
  const quoted = /'([^']+)'/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && quoted) return `unknown option ${quoted}`;
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && quoted) {
    const flag = quoted.match(/-{1,2}[\w-]+/g)?.at(-1) ?? quoted;
    return /argument missing/.test(error.message) ? `${flag} needs a value` : `${flag} takes no value`;
  }
  return error.message;
}

export function readArgs<const T extends Options>(argv: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options });
  } catch (error) {
    return { error: describeArgsError(error as Error) };
  }
}
