// The set-ups the cluster benchmark compares.

export type Setup = 'single' | 'node' | 'workers';

export const SETUPS: readonly Setup[] = ['single', 'node', 'workers'];

export const SETUP_NAME: Readonly<Record<Setup, string>> = {
  single: '(a) 1 process',
  node: '(b) 1 node+Redis',
  workers: '(c) 2 workers+Redis',
};
