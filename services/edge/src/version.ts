/** Reported by /health and the start-up line. */
export const EDGE_VERSION = '0.1.0';
