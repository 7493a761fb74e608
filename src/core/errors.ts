/**
 * Bad input from a person or a caller: every adapter prints its message as one line and exits 2
 * (the CLI), denies with it (the hooks) or shows it (the extension), and nothing is written.
 */
const INPUT_ERROR = Symbol.for('claimboard.InputError');

export class InputError extends Error {
  readonly [INPUT_ERROR] = true;
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }

  /**
   * The shared store is a bundle of its own (dist/store-pg.js) with its own copy of this class:
   * an InputError is known by its mark, whichever copy made it.
   */
  static [Symbol.hasInstance](x: unknown): x is InputError {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[INPUT_ERROR] === true;
  }
}

/**
 * A value this code's own logic guarantees (a group of a regex that matched, an index inside the
 * array): returned as it is, or a clear internal error naming it, never an `undefined` that
 * fails later somewhere else.
 */
export function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`claimboard internal error: ${what} is missing`);
  return value;
}
