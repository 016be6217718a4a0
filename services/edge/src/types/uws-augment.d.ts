// The repack's typings declare the compression constants as types only and miss
// LIBUS_LISTEN_EXCLUSIVE_PORT, although the runtime exports them as numbers (docs/stack.md §2).
import 'uWebSockets.js';

declare module 'uWebSockets.js' {
  export const DISABLED: number;
  export const SHARED_COMPRESSOR: number;
  export const LIBUS_LISTEN_EXCLUSIVE_PORT: number;
}
