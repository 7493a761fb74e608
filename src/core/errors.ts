/**
 * Bad input from a person or a caller: every adapter prints its message as one line and exits 2
 * (the CLI), denies with it (the hooks) or shows it (the extension), and nothing is written.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
