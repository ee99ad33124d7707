// The client's command line and its connection errors, in words a person can act on.
import { describe, expect, it } from 'vitest';
import { describeConnectError, parseClientArgs } from '../../src/client/args.js';

describe('command line', () => {
  it('takes username, host and port, and speaks messenger by default', () => {
    expect(parseClientArgs(['alice', 'localhost', '5378'])).toEqual({ options: { username: 'alice', host: 'localhost', port: 5378, dialect: 'messenger' } });
  });

  it('takes --protocol before or after the positionals', () => {
    expect(parseClientArgs(['--protocol', 'direct', 'alice', 'h', '1'])).toMatchObject({ options: { dialect: 'direct' } });
    expect(parseClientArgs(['alice', 'h', '1', '--protocol=channels'])).toMatchObject({ options: { dialect: 'channels' } });
  });

  it.each([
    [[], /missing arguments/],
    [['alice', 'h'], /missing arguments/],
    [['alice', 'h', '1', 'extra'], /too many arguments: extra/],
    [['alice', 'h', 'port'], /port must be a number from 1 to 65535, got "port"/],
    [['alice', 'h', '0'], /port must be/],
    [['alice', 'h', '65536'], /port must be/],
    [['alice', 'h', '-5'], /./],
    [['alice', '', '1'], /host must not be empty/],
    [['', 'h', '1'], /username must be/],
    [['a\nBROADCAST x', 'h', '1'], /username must be/],
    [['alice', 'h', '1', '--protocol', 'irc'], /--protocol must be one of messenger, channels, direct/],
    [['alice', 'h', '1', '--colour'], /--colour/],
  ])('%j is a usage error', (argv, message) => {
    const result = parseClientArgs(argv);
    expect(result).toHaveProperty('error');
    expect((result as { error: string }).error).toMatch(message);
  });

  it('answers --help, -h and help with help, --version and -v with the version', () => {
    expect(parseClientArgs(['--help'])).toEqual({ help: true });
    expect(parseClientArgs(['-h'])).toEqual({ help: true });
    expect(parseClientArgs(['help'])).toEqual({ help: true });
    expect(parseClientArgs(['--version'])).toEqual({ version: true });
    expect(parseClientArgs(['-v'])).toEqual({ version: true });
  });

  it('names an unknown option in one short line, marked as an option error (a pointer to --help, not the usage)', () => {
    expect(parseClientArgs(['alice', 'h', '1', '--colour'])).toEqual({ error: 'unknown option --colour', option: true });
    expect(parseClientArgs(['alice', 'h', '1', '--protocol'])).toEqual({ error: '--protocol needs a value', option: true });
  });
});

describe('connection errors', () => {
  it('a refused connection asks whether the server runs on that port', () => {
    expect(describeConnectError('ECONNREFUSED', 'localhost', 5378)).toBe('cannot connect to localhost:5378: connection refused — is the server running, and is 5378 the right port?');
  });

  it('an unknown host says so', () => {
    expect(describeConnectError('ENOTFOUND', 'nowhere.invalid', 1)).toMatch(/unknown host nowhere\.invalid/);
  });

  it('a timeout points at the host, the port or a firewall', () => {
    expect(describeConnectError('ETIMEDOUT', '10.0.0.1', 1)).toMatch(/no answer/);
  });

  it('anything else still names the address and the code', () => {
    expect(describeConnectError('EWEIRD', 'h', 2)).toBe('cannot connect to h:2: EWEIRD');
  });
});
