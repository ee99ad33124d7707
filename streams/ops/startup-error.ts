// The error a server start ends with when a person can fix the cause (a port in use, a path it cannot write).
/** A failure to start that a person can act on; the message is the whole story. */
export class StartupError extends Error {}
