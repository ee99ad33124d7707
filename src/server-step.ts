// The whole chat server as pure functions: the core's step over the registered dialects.
import { createStep } from './core/step.js';
import { initialState as coreState, type ClusterNode, type CoreLimits, type State, type Stored } from './core/state.js';
import { DIALECTS } from './dialects/index.js';
import { NO_FEDERATION, withFederation, type Federation } from './dialects/channels/federation/state.js';

export { DIALECTS };
export type { Federation };
export const step = createStep(DIALECTS);

/** The state a server starts in: what the store holds, and (for the channels dialect) its federation peers. */
export function initialState(limits: CoreLimits, stored?: Stored, federation: Federation = NO_FEDERATION, cluster?: ClusterNode): State {
  return withFederation(coreState(limits, stored, cluster), federation);
}
