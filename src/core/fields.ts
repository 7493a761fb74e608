/**
 * What a name, path or text may hold to become a field of a board line: a bounded length, no
 * line break, no separator.
 */
import { holdsSeparator } from './separator';

/**
 * The longest text each field may be (docs/architecture.md, "Limits"): a board stays a page a
 * person can read, and no hook reads megabytes on each tool call.
 */
export const FIELD_LIMITS: Readonly<Record<string, number>> = {
  path: 1024,
  reason: 500,
  task: 500,
  repo: 255,
  'pinned note': 1000,
};

/** Too long for its field (`FIELD_LIMITS`), or undefined. */
export function validateLength(what: string, value: string): string | undefined {
  const max = FIELD_LIMITS[what];
  if (max !== undefined && value.length > max) return `${what} is ${value.length} characters long (at most ${max})`;
  return undefined;
}

/** Names and paths become fields of a line: they may not break it. */
export function validateField(what: string, value: string): string | undefined {
  if (value.trim() === '') return `${what} is empty`;
  if (/[\r\n]/.test(value)) return `${what} may not contain a line break`;
  const long = validateLength(what, value);
  if (long) return long;
  if (holdsSeparator(value)) {
    return `${what} may not contain the separator " — "`;
  }
  return undefined;
}

/** Session names sit before `(started …)`: no spaces or parentheses. */
export function validateSessionName(name: string): string | undefined {
  const base = validateField('session name', name);
  if (base) return base;
  if (!/^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$/.test(name)) return `session name "${name}" may use letters, digits and . _ @ + - only`;
  return undefined;
}
