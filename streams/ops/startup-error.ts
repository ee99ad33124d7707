/** A failure to start that a person can act on; the message is the whole story. */
export class StartupError extends Error {}
