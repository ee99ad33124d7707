// Which port each connection of a case goes to. A server may speak every dialect on one port (this server's
// auto listener, its default) or each dialect on a port of its own; the tester names those with
// --direct-port, --messenger-port and --channels-port, and HOST:PORT serves every dialect without one.
import { DIALECTS as REGISTRY } from '../dialects/index.js';
import type { Recording } from '../recording/parse.js';
import { DIALECTS, type CheckDialect, type SuiteName } from './suite.js';

export type DialectPorts = Readonly<Partial<Record<CheckDialect, number>>>;

const decoder = new TextDecoder();

/** The dialect a connection speaks: its suite's; in the cross-dialect suite, the one its first line picks, as an
 * auto listener picks it (undefined when no dialect knows that line: it goes to HOST:PORT). */
export function dialectOf(recording: Recording, conn: string, suite: SuiteName): CheckDialect | undefined {
  if (suite === 'federation') return 'channels'; // a link arrives where the channels dialect is spoken
  if (suite !== 'cross-dialect') return suite;
  const first = recording.events.find((e) => e.conn === conn && e.op === 'send');
  if (!first || first.op !== 'send') return undefined;
  const line = decoder.decode(first.bytes).split(/\r?\n/)[0];
  const name = REGISTRY.detect(line)?.name;
  return (DIALECTS as readonly string[]).includes(name ?? '') ? (name as CheckDialect) : undefined;
}

/** The port a connection of this case goes to. */
export function portOf(recording: Recording, conn: string, suite: SuiteName, target: number, ports: DialectPorts): number {
  const dialect = dialectOf(recording, conn, suite);
  return (dialect && ports[dialect]) ?? target;
}
