// The core builds no log event below the configured level (limits.logLevel): the log would drop it anyway, and a
// message event a line is what a busy channel would otherwise pay for.
import { describe, expect, it } from 'vitest';
import { coreServer, line, open } from '../support/core.js';

describe('log events below the log level', () => {
  it('at warn, a BROADCAST builds no message event and a connection no info event; warnings still come', () => {
    const s = coreServer({ logLevel: 'warn' });
    s.run(open('c1'), line('c1', 'NAME ann'), line('c1', 'BROADCAST hi'), open('c2'), line('c2', 'nonsense'));
    s.run(open('c3', 'channels'), { kind: 'tooLong', conn: 'c3', at: 0 });
    expect(s.log.filter((e) => e.level === 'info' || e.level === 'debug')).toEqual([]);
    expect(s.log.map((e) => e.event)).toContain('lineTooLong');
    expect(s.lines.c1).toContain('BROADCAST ann hi');
  });

  it('unset (and at info), the same lines log the message and the connection', () => {
    for (const limits of [{}, { logLevel: 'info' as const }]) {
      const s = coreServer(limits);
      s.run(open('c1'), line('c1', 'NAME ann'), line('c1', 'BROADCAST hi'));
      expect(s.log.map((e) => e.event)).toEqual(expect.arrayContaining(['connection', 'message']));
    }
  });
});
