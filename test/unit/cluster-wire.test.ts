// What travels between cluster nodes: several messages in one publish, a line each, and what a node says
// about the fan-out groups it holds.
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeDeliver, splitBatch } from '../../streams/cluster/wire.js';
import type { Msg } from '../../src/core/messages.js';

const msg = (text: string): Msg => ({ kind: 'recv', from: 'alice', channel: 'room', text });
const room = { kind: 'channel', channel: 'room' } as const;

describe('cluster wire', () => {
  it('a node’s holdings cross as they were announced; malformed ones are dropped', () => {
    const holding = { kind: 'holding', node: 'n2', group: '#room', held: true } as const;
    expect(decodeMessage(JSON.stringify({ ...holding, origin: 'n2' }))).toEqual({ origin: 'n2', event: holding });
    expect(decodeMessage(JSON.stringify({ kind: 'holdings', node: 'n2', groups: ['#room', 7, '*broadcast'], origin: 'n2' })))
      .toEqual({ origin: 'n2', event: { kind: 'holdings', node: 'n2', groups: ['#room', '*broadcast'] } });
    expect(decodeMessage(JSON.stringify({ kind: 'holding', node: 'n2', group: '#room', held: 'yes', origin: 'n2' }))).toBeUndefined();
    expect(decodeMessage(JSON.stringify({ kind: 'holdings', node: 'n2', groups: '#room', origin: 'n2' }))).toBeUndefined();
  });

  it('messages joined by line ends come apart as they were, line ends in their text included', () => {
    const bodies = ['one', 'two\nlines', 'three\r\n', ''];
    const texts = bodies.map((body, i) => encodeDeliver(`node-${i}`, room, msg(body)));
    const parts = splitBatch(texts.join('\n'));
    expect(parts).toEqual(texts);
    expect(parts.map((part) => decodeMessage(part))).toEqual(bodies.map((body, i) => ({ origin: `node-${i}`, event: { kind: 'deliver', to: room, msg: msg(body) } })));
  });

  it('a dialect’s own event crosses as it was announced, for that dialect to check; one without a dialect is dropped', () => {
    const event = { kind: 'linked', node: 'n2', server: 's2', host: '127.0.0.2', dialled: true };
    expect(decodeMessage(JSON.stringify({ kind: 'dialect', dialect: 'channels', event, origin: 'n2' })))
      .toEqual({ origin: 'n2', event: { kind: 'dialect', dialect: 'channels', event } });
    expect(decodeMessage(JSON.stringify({ kind: 'dialect', event, origin: 'n2' }))).toBeUndefined();
  });

  it('one message is a batch of one', () => {
    const text = JSON.stringify({ kind: 'channel', channel: 'room', origin: 'n' });
    expect(splitBatch(text)).toEqual([text]);
  });
});
