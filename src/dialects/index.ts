// The registry of dialects. Adding a dialect is one folder beside these and one entry here.
import { registry } from '../core/dialect.js';
import { channels } from './channels/index.js';
import { direct } from './direct/index.js';
import { messenger } from './messenger/index.js';

// direct: a first line no dialect knows gets the direct dialect's answer (BAD-RQST-HDR, then close), the only one the specs define
export const DIALECTS = registry([channels, direct, messenger], 'direct');
