// The whole chat server as pure functions: the core's step over the registered dialects.
import { createStep } from './core/step.js';
import { DIALECTS } from './dialects/index.js';

export { DIALECTS };
export { initialState } from './core/state.js';
export const step = createStep(DIALECTS);
