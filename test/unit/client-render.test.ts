// How each server line looks on the client's screen. Pure: (line, own name) → text.
import { describe, expect, it } from 'vitest';
import { renderChannels } from '../../src/client/channels.js';
import { renderDirect } from '../../src/client/direct.js';
import { renderMessenger } from '../../src/client/messenger.js';
import { printable } from '../../src/client/text.js';

describe('messenger lines on screen', () => {
  it.each([
    ['BROADCAST alice hello  everyone', '<alice> hello  everyone'],
    ['BROADCAST alice  leading space', '<alice>  leading space'],
    ['JOINED bob', '[bob] has joined'],
    ['LEFT bob quit', '[bob] has left'],
    ['LEFT bob lost', '[bob] has left (connection lost)'],
    ['RENAMED bob robert', '[bob] is now [robert]'],
    ['USERS alice, bob, 卡洛斯', 'Online: alice, bob, 卡洛斯'],
    ['WELCOME alice Welcome, alice! Type HELP for commands.', 'Welcome, alice! Type HELP for commands.'],
    ['BYE Goodbye, alice.', 'Goodbye, alice.'],
    ['ERROR NO-SUCH-USER nobody is not online', '! nobody is not online'],
    ['SOMETHING new', 'SOMETHING new'],
  ])('%s → %s', (line, shown) => {
    expect(renderMessenger(line, 'alice')).toBe(shown);
  });

  it('a whisper says who it is from, for its recipient', () => {
    expect(renderMessenger('WHISPER alice bob psst', 'bob')).toBe('[whisper from alice] psst');
  });

  it('the echo of a whisper says who it went to, for its sender', () => {
    expect(renderMessenger('WHISPER alice bob psst', 'alice')).toBe('[whisper to bob] psst');
  });

  it('a whisper to yourself reads as one from yourself', () => {
    expect(renderMessenger('WHISPER alice alice note to self', 'alice')).toBe('[whisper from alice] note to self');
  });

  it('a whisper between two others still shows both names and is marked', () => {
    expect(renderMessenger('WHISPER alice bob psst', 'carol')).toBe('*whisper* <alice → bob> psst');
  });

  it('an empty line shows nothing', () => {
    expect(renderMessenger('', 'alice')).toBeUndefined();
  });
});

describe('channels lines on screen', () => {
  it.each([
    ['RECV alice general hi  there', '#general <alice> hi  there'],
    ['RECV bob@server1 hello:server2 hi', '#hello:server2 <bob@server1> hi'],
    ['RESULT CHANNELS general, random', 'Channels: general, random'],
    ['RESULT CHANNELS', 'Channels: none yet'],
    ['RESULT REGISTER 1', 'Account created; now /login'],
    ['RESULT REGISTER 0', '! could not register: the name is taken or not valid'],
    ['RESULT LOGIN 0', '! login failed: wrong name or password, or already logged in'],
    ['RESULT CREATE general 1', 'Created #general; /join it to talk there'],
    ['RESULT JOIN general 1', 'Joined #general; plain text now goes there'],
    ['RESULT SAY 0', '! not delivered: log in and join the channel first'],
  ])('%s → %s', (line, shown) => {
    expect(renderChannels(line)).toBe(shown);
  });

  it('a refused CREATE or JOIN names the channel', () => {
    expect(renderChannels('RESULT CREATE general 0')).toMatch(/^! could not create #general/);
    expect(renderChannels('RESULT JOIN general 0')).toMatch(/^! could not join #general/);
  });
});

describe('direct lines on screen', () => {
  it.each([
    ['DELIVERY alice hi  there', '[whisper from alice] hi  there'],
    ['LIST-OK alice,bob', 'Online: alice, bob'],
    ['BAD-RQST-HDR', '! the server did not understand that command'],
  ])('%s → %s', (line, shown) => {
    expect(renderDirect(line)).toBe(shown);
  });
});

describe('text from the server', () => {
  it('cannot move the cursor or recolour the terminal: control characters show as U+FFFD', () => {
    expect(printable('hi \u001b[2J\u0007there\tok')).toBe('hi \uFFFD[2J\uFFFDthere\tok');
  });

  it('keeps every other script as it is', () => {
    expect(printable('你好 мир 🎉')).toBe('你好 мир 🎉');
  });
});
