// The socket sink (streams/net/sink.ts): output on a quiet server leaves in the same turn of the event loop;
// output that follows a flush closely waits for the flush interval and leaves joined, one write per socket.
import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SocketSink } from '../../streams/net/sink.js';

/** A socket that keeps each write it was given, as text. */
function recordingSocket(): { socket: Duplex; writes: string[] } {
  const writes: string[] = [];
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      writes.push(chunk.toString());
      done();
    },
  });
  return { socket, writes };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

function sinkWith(flushIntervalMs: number): SocketSink {
  return new SocketSink({ maxSendQueue: 1 << 20, closeGraceMs: 100, sendTimeoutMs: 10_000, log: () => {}, flushIntervalMs });
}

describe('socket sink', () => {
  it('writes what one turn sent to a socket in one write, at the end of that turn', async () => {
    const sink = sinkWith(1000);
    const { socket, writes } = recordingSocket();
    sink.add('c1', socket);
    sink.write('c1', Buffer.from('a\n'));
    sink.write('c1', Buffer.from('b\n'));
    expect(writes).toEqual([]);
    await turn();
    expect(writes).toEqual(['a\nb\n']);
  });

  it('holds output that follows a flush within the interval, then writes it joined; no line is lost or reordered', async () => {
    const sink = sinkWith(1000);
    const { socket, writes } = recordingSocket();
    sink.add('c1', socket);
    sink.write('c1', Buffer.from('first\n'));
    await turn();
    sink.write('c1', Buffer.from('second\n'));
    await turn();
    sink.write('c1', Buffer.from('third\n'));
    await turn();
    expect(writes).toEqual(['first\n']);
    for (let waited = 0; writes.length < 2 && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(writes).toEqual(['first\n', 'second\nthird\n']);
  });

  it('reports a delivery once its bytes were written, after the interval too', async () => {
    const sink = sinkWith(200);
    const { socket } = recordingSocket();
    sink.add('c1', socket);
    sink.write('c1', Buffer.from('x\n'));
    await turn();
    const reported = new Promise<boolean>((resolve) => sink.write('c1', Buffer.from('y\n'), resolve));
    expect(await reported).toBe(true);
  });
});
