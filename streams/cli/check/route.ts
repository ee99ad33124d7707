// A live transport whose connections go to the port of the dialect each speaks (src/check/ports.ts): one TCP
// transport per port, settled and stopped together.
import type { Transport } from '../replay/transport.js';
import { tcpTransport } from '../replay/tcp.js';

export function routedTransport(host: string, portOf: (conn: string) => number, timeoutMs: number): Transport {
  const byPort = new Map<number, Transport>();
  const transportOf = (port: number): Transport => {
    let transport = byPort.get(port);
    if (!transport) byPort.set(port, (transport = tcpTransport(host, port, timeoutMs)));
    return transport;
  };
  const all = async (each: (t: Transport) => Promise<void>) => { await Promise.all([...byPort.values()].map(each)); };
  return {
    open: (name, from) => transportOf(portOf(name)).open(name, from),
    settle: () => all((t) => t.settle()),
    stop: () => all((t) => t.stop()),
  };
}
