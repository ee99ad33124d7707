import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KNOWN_VARIABLES, parseConfig, unknownVariables, type Config } from '../../src/config/config.js';
import { parseDotenv } from '../../src/config/dotenv.js';
import { HELP } from '../../src/config/help.js';
import { parsePeers } from '../../src/config/peers.js';

function config(argv: string[], env = {}, dotenv = {}, lines = {}): Config {
  const result = parseConfig(argv, env, dotenv, lines);
  if (!('config' in result)) throw new Error(JSON.stringify(result));
  return result.config;
}

describe('configuration', () => {
  it('defaults to 127.0.0.1:5378, auto, 16 users, ./data/chat.db, ./server.log', () => {
    expect(config([])).toMatchObject({ address: '127.0.0.1', port: 5378, protocol: 'auto', maxUsers: 16, db: './data/chat.db', log: './server.log', bcryptCost: 10, logLevel: 'info' });
  });

  it('takes a bare port and a peers file as positionals', () => {
    expect(config(['6000', 'peers.txt'])).toMatchObject({ port: 6000, peers: 'peers.txt' });
  });

  it('lets flags win over env, env over .env, .env over defaults', () => {
    const dotenv = { CHAT_PORT: '1111', CHAT_MAX_USERS: '3', CHAT_PROTOCOL: 'direct' };
    const env = { CHAT_PORT: '2222', CHAT_MAX_USERS: '4' };
    expect(config(['--port', '3333'], env, dotenv)).toMatchObject({ port: 3333, maxUsers: 4, protocol: 'direct' });
    expect(config([], {}, dotenv)).toMatchObject({ port: 1111, maxUsers: 3 });
  });

  it('reads every documented flag', () => {
    const argv = ['--address', '127.0.0.2', '--protocol', 'messenger', '--db', 'x.db', '--log', 'x.log', '--max-users', '5', '--peers', 'p', '--name', 'srv'];
    expect(config(argv)).toMatchObject({ address: '127.0.0.2', protocol: 'messenger', db: 'x.db', log: 'x.log', maxUsers: 5, peers: 'p', name: 'srv' });
  });

  it('reads limits from env vars', () => {
    expect(config([], { CHAT_MAX_LINE: '100', CHAT_MAX_SEND_QUEUE: '2048' }).limits).toMatchObject({ maxLineLength: 100, maxSendQueue: 2048 });
  });

  it.each([
    [['--port', 'abc'], /^port must be a whole number, got "abc" \(from --port\)$/],
    [['70000'], /port must be between 0 and 65535/],
    [['--protocol', 'irc'], /protocol must be one of/],
    [['--max-users', '0'], /max users must be between/],
    [['--bogus'], /^unknown option --bogus\nsee chat-server --help$/],
    [['--port'], /^--port needs a value\nsee chat-server --help$/],
    [['1', '2', '3'], /too many arguments/],
  ])('refuses %j with a clear message', (argv, message) => {
    const result = parseConfig(argv, {});
    expect('error' in result && result.error).toMatch(message);
  });

  // the cases a start with a bad value used to check in a child process each (test/e2e/config.test.ts keeps one)
  it.each([
    ['a positional port abc', ['abc'], {}, ['port must be a whole number, got "abc"', '(from the first argument (the port))']],
    ['--port 70000', ['--port', '70000'], {}, ['port must be between 0 and 65535']],
    ['CHAT_PORT=abc in the environment', [], { CHAT_PORT: 'abc' }, ['port must be a whole number, got "abc"']],
    ['--protocol carrier-pigeon', ['--protocol', 'carrier-pigeon'], {}, ['protocol must be one of', 'carrier-pigeon']],
    ['CHAT_PROTOCOL=irc', [], { CHAT_PROTOCOL: 'irc' }, ['protocol must be one of', '"irc"']],
    ['--max-users 0', ['--max-users', '0'], {}, ['max users must be between']],
    ['--max-users many', ['--max-users', 'many'], {}, ['max users must be a whole number, got "many"', '(from --max-users)']],
    ['--web-port abc', ['--web-port', 'abc'], {}, ['web port must be a whole number', 'got "abc"', 'off', '--web-port']],
    ['CHAT_WEB_PORT=on', [], { CHAT_WEB_PORT: 'on' }, ['web port must be a whole number', 'off', 'got "on" (from CHAT_WEB_PORT in the environment)']],
    ['an unknown flag --colour', ['--colour', 'blue'], {}, ['--colour', '--help']],
  ] as const)('refuses %s, saying what is wrong and where to fix it', (_, argv, env, mentions) => {
    const result = parseConfig([...argv], env);
    expect(result).toHaveProperty('error');
    for (const text of mentions) expect('error' in result && result.error).toContain(text);
  });

  it('lets flags win even over a bad CHAT_PORT in the environment and in .env, which are then not read', () => {
    const dotenv = { CHAT_MAX_USERS: '3', CHAT_PROTOCOL: 'messenger', CHAT_PORT: 'nonsense' };
    const env = { CHAT_MAX_USERS: '5', CHAT_PROTOCOL: 'channels', CHAT_PORT: 'abc' };
    expect(config(['--port', '0', '--max-users', '7', '--protocol', 'direct'], env, dotenv)).toMatchObject({ port: 0, maxUsers: 7, protocol: 'direct' });
    expect(config(['--port', '0'], env, dotenv)).toMatchObject({ maxUsers: 5, protocol: 'channels' });
  });

  it('refuses a bad LOG_LEVEL or bcrypt cost', () => {
    expect(parseConfig([], { LOG_LEVEL: 'loud' })).toHaveProperty('error');
    expect(parseConfig([], { CHAT_BCRYPT_COST: '2' })).toHaveProperty('error');
  });

  it('serves the web page on 5380 by default; --web-port, CHAT_WEB_PORT, 0 and off change that', () => {
    expect(config([])).toMatchObject({ webPort: 5380, webOrigins: [] });
    expect(config(['--web-port', '0'])).toMatchObject({ webPort: 0 });
    expect(config([], { CHAT_WEB_PORT: 'off' })).toMatchObject({ webPort: 'off' });
    expect(config(['--web-port', '6000'], { CHAT_WEB_PORT: 'off' })).toMatchObject({ webPort: 6000 });
  });

  it('refuses a web port that is neither a port nor off', () => {
    const result = parseConfig(['--web-port', 'of'], {});
    expect('error' in result && result.error).toMatch(/web port must be a whole number, or off.*\(from --web-port\)/);
  });

  it('reads CHAT_WEB_ORIGINS into normal origins, and refuses anything that is not one', () => {
    expect(config([], { CHAT_WEB_ORIGINS: ' https://Club.Example.org/ ,http://localhost:8080,https://a.example:443' }).webOrigins)
      .toEqual(['https://club.example.org', 'http://localhost:8080', 'https://a.example']);
    for (const bad of ['club.example.org', 'https://club.example.org/chat', 'ftp://x.example', 'https://x.example?q=1']) {
      const result = parseConfig([], { CHAT_WEB_ORIGINS: bad });
      expect('error' in result && result.error, bad).toContain(`CHAT_WEB_ORIGINS: ${JSON.stringify(bad)} is not an origin`);
    }
  });

  it('answers --help, -h and help, and --version and -v', () => {
    for (const argv of [['--help'], ['-h'], ['help']]) expect(parseConfig(argv, {})).toEqual({ help: true });
    for (const argv of [['--version'], ['-v']]) expect(parseConfig(argv, {})).toEqual({ version: true });
  });

  it('names where a bad value came from: the flag, the argument, the variable, or the .env line', () => {
    const error = (argv: string[], env = {}, dotenv = {}, lines = {}) => {
      const result = parseConfig(argv, env, dotenv, lines);
      return 'error' in result ? result.error : JSON.stringify(result);
    };
    expect(error(['--max-users', 'x'])).toMatch(/\(from --max-users\)$/);
    expect(error(['abc'])).toMatch(/got "abc" \(from the first argument \(the port\)\)$/);
    expect(error([], { CHAT_MAX_USERS: 'x' })).toMatch(/\(from CHAT_MAX_USERS in the environment\)$/);
    expect(error([], {}, { CHAT_MAX_USERS: 'x' }, { CHAT_MAX_USERS: 7 })).toBe('max users must be a whole number, got "x" (from .env line 7)');
    expect(error([], {}, { CHAT_MAX_LINE: '0' }, { CHAT_MAX_LINE: 3 })).toMatch(/CHAT_MAX_LINE must be between 1 and .*, got 0 \(from .env line 3\)$/);
    expect(error([], {}, { CHAT_PORT: '' }, { CHAT_PORT: 2 })).toMatch(/CHAT_PORT is empty \(in .env line 2\)/);
    expect(error([], { CHAT_PROTOCOL: 'irc' })).toMatch(/got "irc" \(from CHAT_PROTOCOL in the environment\)$/);
    expect(error(['--tls-cert', 'c.pem'])).toMatch(/only the certificate \(from --tls-cert\)/);
    // a value that is fine is remembered with its source, for errors found later (a missing peers file)
    expect(config(['--peers', 'p'], {}, { CHAT_DB: 'x.db' }, ).from).toMatchObject({ CHAT_PEERS: '--peers', CHAT_DB: 'CHAT_DB in .env' });
  });

  it('serves the page over HTTPS with the TLS files, or with a pair of its own', () => {
    expect(config([]).webTls).toBeUndefined();
    expect(config(['--tls-cert', 'c.pem', '--tls-key', 'k.pem']).webTls).toEqual({ cert: 'c.pem', key: 'k.pem' });
    expect(config(['--tls-cert', 'c.pem', '--tls-key', 'k.pem', '--web-tls-cert', 'w.pem', '--web-tls-key', 'wk.pem']).webTls).toEqual({ cert: 'w.pem', key: 'wk.pem' });
    expect(config(['--tls-cert', 'c.pem', '--tls-key', 'k.pem', '--web-port', 'off']).webTls).toBeUndefined();
  });

  it('--help names every variable of .env.example, and .env.example every variable --help names', () => {
    const variables = (text: string) => new Set(text.match(/\b(CHAT_[A-Z_]*[A-Z]|LOG_LEVEL)\b/g));
    // the variables .env.example sets (a comment may name one that is gone)
    const example = new Set([...readFileSync(resolve(import.meta.dirname, '../../.env.example'), 'utf8').matchAll(/^(CHAT_[A-Z_]*[A-Z]|LOG_LEVEL)=/gm)].map((match) => match[1]!));
    const help = variables(HELP);
    expect([...example].filter((name) => !help.has(name))).toEqual([]);
    expect([...help].filter((name) => !example.has(name))).toEqual([]);
    expect([...example].filter((name) => !KNOWN_VARIABLES.includes(name))).toEqual([]);
  });
});

describe('peers file', () => {
  it('reads host:port lines, skipping blanks and comments', () => {
    expect(parsePeers('# peers\n127.0.0.2:5378\n\n  [::1]:6000  # six\n')).toEqual({ peers: [{ address: '127.0.0.2', port: 5378 }, { address: '::1', port: 6000 }] });
  });

  it('takes CHAT_LINK_KEY from the environment only (no flag shows it in a process list); empty means none', () => {
    expect(config([], { CHAT_LINK_KEY: 's3cret' }).linkKey).toBe('s3cret');
    expect(config([], { CHAT_LINK_KEY: '' }).linkKey).toBeUndefined();
    expect(parseConfig([], { CHAT_LINK_KEY: 'two words' }, {})).toEqual({ error: 'CHAT_LINK_KEY may not hold spaces (from CHAT_LINK_KEY in the environment)' });
  });

  it('names the line that is wrong', () => {
    expect(parsePeers('127.0.0.2:5378\nnonsense\n')).toEqual({ error: 'line 2: expected host:port, got "nonsense"' });
  });
});

describe('.env files', () => {
  it('reads NAME=value lines, comments, export, quotes and trailing comments', () => {
    const text = '# settings\n\nCHAT_PORT=6000\r\nexport CHAT_NAME = hub \nCHAT_DB="./my data/chat.db"\nCHAT_LOG=\'#not a comment\'\nCHAT_PROTOCOL=direct # the course\n';
    expect(parseDotenv(text)).toEqual({ values: { CHAT_PORT: '6000', CHAT_NAME: 'hub', CHAT_DB: './my data/chat.db', CHAT_LOG: '#not a comment', CHAT_PROTOCOL: 'direct' }, lines: expect.any(Object) });
  });

  it('a line without = is an error naming the line, not a value that swallows the next line', () => {
    expect(parseDotenv('CHAT_MAX_USERS=3\nCHAT_PROTOCOL messenger\nCHAT_PORT=0\n')).toEqual({ error: 'line 2: "CHAT_PROTOCOL messenger" has no = (write NAME=value)' });
  });

  it('an unclosed quote or a name with spaces is an error too', () => {
    expect(parseDotenv('CHAT_NAME="hub\nCHAT_PORT=1\n')).toEqual({ error: 'line 1: the quote after CHAT_NAME= is not closed on that line' });
    expect(parseDotenv('CHAT PORT=1\n')).toHaveProperty('error', expect.stringMatching(/^line 1: "CHAT PORT" is not a variable name/));
  });
});

describe('unknown and empty variables', () => {
  it('warns about an unknown CHAT_ variable with the closest known name', () => {
    expect(unknownVariables({ CHAT_MAXUSERS: '3', HOME: '/root' }, { CHAT_PROTOCL: 'direct' })).toEqual([
      'CHAT_MAXUSERS (in the environment) is not a setting and is ignored — did you mean CHAT_MAX_USERS?',
      'CHAT_PROTOCL (in .env) is not a setting and is ignored — did you mean CHAT_PROTOCOL?',
    ]);
    expect(unknownVariables({ CHAT_COMPLETELY_DIFFERENT_THING: '1' })[0]).toMatch(/see \.env\.example/);
  });

  it('an empty value is an error unless .env.example says what empty means', () => {
    expect(parseConfig([], {}, { CHAT_PORT: '' })).toEqual({ error: 'CHAT_PORT is empty (in .env) — give it a value or remove it; .env.example shows the default' });
    expect(parseConfig([], { CHAT_MAX_LINE: '' })).toHaveProperty('error', expect.stringContaining('CHAT_MAX_LINE is empty (in the environment)'));
    expect(config([], { CHAT_PEERS: '' }, { CHAT_PEERS: 'peers.txt' })).not.toHaveProperty('peers');
    expect(config(['--address', '127.0.0.2'], {}, { CHAT_NAME: '' })).toMatchObject({ name: '127.0.0.2' });
  });

  it('.env.example lists every variable the server knows, and no other', () => {
    const example = readFileSync(resolve(import.meta.dirname, '../../.env.example'), 'utf8');
    const listed = [...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]).sort();
    expect(listed).toEqual([...KNOWN_VARIABLES].sort());
  });
});
