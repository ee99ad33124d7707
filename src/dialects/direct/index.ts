// The direct dialect (HELLO-FROM / LIST / SEND): the course protocol, as one module.
import type { DialectModule } from '../../core/dialect.js';
import { encodeDirect } from './codec.js';
import { claimed, delivered } from './handlers.js';
import { directRules } from './table.js';

export const direct: DialectModule = {
  name: 'direct',
  rules: directRules,
  encode: encodeDirect,
  capabilities: new Set(['private']),
  cleanCloseIsQuit: true,
  onResult: { delivered },
  onClaimed: claimed,
};
