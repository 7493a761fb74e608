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
