import type * as Crypto from 'node:crypto';

/**
 * `node:crypto`, loaded when first used: loading it was about a sixth of a `check` or a hook
 * call that never needs it (a temporary name, a liveness digest, a hashed session id).
 */
export function nodeCrypto(): typeof Crypto {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('node:crypto') as typeof Crypto;
}
