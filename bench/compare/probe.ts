// Loaded into this server by the bench (`node --import …/probe.js server.js`), never by the server itself:
// what the bench wants to know about a running server without changing it.
// - SIGWINCH: prints `loop-delay {"p50Ms":…,"p99Ms":…,"maxMs":…,"meanMs":…,"samples":…}` for the time since
//   the last SIGWINCH (or the start), from perf_hooks.monitorEventLoopDelay, then starts over; each figure is
//   how much later than due a 10 ms timer ran (a turn that ran 30 ms shows as about 30 ms).
// - SIGPWR: writes a V8 heap snapshot into the working directory and prints `heap-snapshot FILE` once written.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';

/** Node's default sampling: a 10 ms timer whose lateness is recorded (a long turn shows as its length). */
const RESOLUTION_MS = 10;

const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
delay.enable();
/** Node records the whole interval between two samples; the delay is what exceeds the sampling interval. */
const ms = (ns: number) => Number(Math.max(0, ns / 1e6 - RESOLUTION_MS).toFixed(3));

process.on('SIGWINCH', () => {
  const figures = delay.count
    ? { p50Ms: ms(delay.percentile(50)), p99Ms: ms(delay.percentile(99)), maxMs: ms(delay.max), meanMs: ms(delay.mean), samples: delay.count }
    : { p50Ms: 0, p99Ms: 0, maxMs: 0, meanMs: 0, samples: 0 };
  delay.reset();
  process.stdout.write(`loop-delay ${JSON.stringify(figures)}\n`);
});

process.on('SIGPWR', () => {
  const file = writeHeapSnapshot();
  process.stdout.write(`heap-snapshot ${file}\n`);
});
