/**
 * picomatch, loaded on first use. Most hook calls decide from literal path heads and never
 * compile a glob; loading picomatch's modules would cost every one of them its start-up.
 */
import type Picomatch from 'picomatch';

let loaded: typeof Picomatch | undefined;

export function picomatch(): typeof Picomatch {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('picomatch') as typeof Picomatch;
  return loaded;
}
