/**
 * Could one path be held by two claims at once? Claims are path keys or globs; a claim also
 * covers everything below what it matches (a folder claim holds the folder's files), so two
 * claims overlap when some path, or a path below it, matches both.
 */
import { picomatch } from './glob';
import type * as Braces from 'braces';

const GLOB_CHARS = /[*?[\]{}()!+@]/;

export function normalizeKey(key: string): string {
  let k = key.trim();
  while (k.length > 1 && k.endsWith('/')) k = k.slice(0, -1);
  return k;
}

export function isGlob(pattern: string): boolean {
  return GLOB_CHARS.test(pattern);
}

function segments(pattern: string): string[] {
  // `a/**/**/b` means the same as `a/**/b`; collapsing keeps the search small.
  const out: string[] = [];
  for (const s of normalizeKey(pattern).split('/')) {
    if (s === '**' && out[out.length - 1] === '**') continue;
    out.push(s);
  }
  return out;
}

function expand(pattern: string): string[] {
  if (!/[{}]/.test(pattern)) return [pattern];
  try {
    // Only brace patterns need expanding: load the expander for them alone.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const braces = require('braces') as typeof Braces;
    const all = braces.expand(pattern);
    return all.length > 0 ? all.slice(0, 64) : [pattern];
  } catch {
    return [pattern];
  }
}

function literalEnds(seg: string): { prefix: string; suffix: string } {
  const first = seg.search(GLOB_CHARS);
  let last = -1;
  for (let i = seg.length - 1; i >= 0; i--) {
    if (GLOB_CHARS.test(seg[i])) { last = i; break; }
  }
  return { prefix: seg.slice(0, first), suffix: seg.slice(last + 1) };
}

/** Can some single path segment match both segment patterns? Errs towards "yes". */
function segmentsIntersect(a: string, b: string): boolean {
  if (a === b) return true;
  const ga = isGlob(a);
  const gb = isGlob(b);
  if (!ga && !gb) return false;
  if (!ga) return picomatch().isMatch(a, b, { dot: true });
  if (!gb) return picomatch().isMatch(b, a, { dot: true });
  // Both wildcards: compatible literal heads and tails are enough for `*`-style patterns.
  const x = literalEnds(a);
  const y = literalEnds(b);
  const heads = x.prefix.startsWith(y.prefix) || y.prefix.startsWith(x.prefix);
  const tails = x.suffix.endsWith(y.suffix) || y.suffix.endsWith(x.suffix);
  return heads && tails;
}

function overlapSegments(a: string[], b: string[]): boolean {
  const memo = new Map<number, boolean>();
  const width = b.length + 1;
  const go = (i: number, j: number): boolean => {
    // One side is exhausted: what it matched is an ancestor of (or equal to) the other's path.
    if (i === a.length || j === b.length) return true;
    const key = i * width + j;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (a[i] === '**') r = go(i + 1, j) || go(i, j + 1);
    else if (b[j] === '**') r = go(i, j + 1) || go(i + 1, j);
    else r = segmentsIntersect(a[i], b[j]) && go(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

function literalHead(pattern: string): string {
  const i = pattern.search(GLOB_CHARS);
  return i < 0 ? pattern : pattern.slice(0, i);
}

/**
 * A cheap necessary condition for `claimsOverlap`: every path a claim covers starts with its
 * literal head (the text before its first wildcard), so when neither head extends the other,
 * no path can start with both.
 */
export function headsMayOverlap(a: string, b: string): boolean {
  const hx = literalHead(a);
  const hy = literalHead(b);
  return hx.startsWith(hy) || hy.startsWith(hx);
}

/** True when some path could be covered by both claims (`repo/src/**` and `repo/src/a/*.ts`). */
export function claimsOverlap(a: string, b: string): boolean {
  const x = normalizeKey(a);
  const y = normalizeKey(b);
  if (x === y) return true;
  // Every path either claim covers starts with its literal head (the text before its first
  // wildcard): when neither head extends the other, no path can start with both.
  if (!headsMayOverlap(x, y)) return false;
  for (const ex of expand(x)) {
    for (const ey of expand(y)) {
      if (overlapSegments(segments(ex), segments(ey))) return true;
    }
  }
  return false;
}

/** Does a claim (key or glob) cover this concrete path key? */
export function claimCovers(claim: string, pathKey: string): boolean {
  const c = normalizeKey(claim);
  const p = normalizeKey(pathKey);
  if (!isGlob(c)) return p === c || p.startsWith(c.endsWith('/') ? c : `${c}/`);
  return picomatch().isMatch(p, [c, `${c}/**`], { dot: true });
}
