// Flow control: a connection that has queued more than it may is no longer read, so TCP pushes back on
// the client instead of the server dropping its lines; reading starts again once half the queue drained.
import { chain, effect, none, note, type Step } from './build.js';
import { updateConn, type State } from './state.js';
import type { ConnId } from './types.js';

/** Pauses or resumes reading `id`'s socket as its queue now requires; nothing when it already does. */
export function flowControl(state: State, id: ConnId): Step {
  const conn = state.conns.get(id);
  if (!conn || conn.closing) return none(state);
  const max = state.limits.maxQueued;
  const size = conn.queue.size;
  // hysteresis: paused at the limit, read again at half, so a busy client is not paused and resumed per line
  const paused = size >= max || (conn.paused === true && size > max / 2);
  if (paused === (conn.paused === true)) return none(state);
  return chain(updateConn(state, id, { paused }),
    (s) => effect(s, { type: paused ? 'pause' : 'resume', conn: id }),
    (s) => note(s, 'debug', paused ? 'paused' : 'resumed', `${paused ? 'stopped' : 'started'} reading ${id}: ${size} lines queued`, { conn: id, queued: size }),
  );
}
