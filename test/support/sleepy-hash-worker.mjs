// A hashing worker that takes a fixed time without using the CPU, so the order of service can be measured on a busy
// machine: the hash of `p` is `h:p`, and a password `sleep:N` takes N ms (50 ms otherwise).
const pause = new Int32Array(new SharedArrayBuffer(4));
export default function run(task) {
  const ms = Number(/^sleep:(\d+)$/.exec(task.password)?.[1] ?? 50);
  Atomics.wait(pause, 0, 0, ms);
  return { value: task.op === 'hash' ? `h:${task.password}` : task.hash === `h:${task.password}`, ms };
}
