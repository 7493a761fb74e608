/**
 * Could one path be held by two claims at once? Claims are path keys or globs; a claim also
 * covers everything below what it matches (a folder claim holds the folder's files), so two
 * claims overlap when some path, or a path below it, matches both.
 *
 * Every comparison goes through `matchKey` (one spelling per key) and `compiledMatcher` (one
 * matcher per pattern): the service, the hooks, the git guard and the editor's index answer
 * alike. Braces are never expanded without a bound.
 */
import { GLOB_CHARS, braceGroups, compiledMatcher, coverMatcher, expansionCount, patternProblem, splitOutsideGroups } from './glob';
import type * as Braces from 'braces';
import { must } from './errors';

export function normalizeKey(key: string): string {
  let k = key.trim();
  while (k.length > 1 && k.endsWith('/')) k = k.slice(0, -1);
  return k;
}

export function isGlob(pattern: string): boolean {
  return GLOB_CHARS.test(pattern);
}

/** `infra:homelab-prod`: a resource, not a file. Recognised in any case. */
function isInfraKey(key: string): boolean {
  return /^\s*infra:/i.test(key);
}

/** Literal folder part of a key before its first pattern segment: `repo/src/**` → `repo/src`. */
export function literalPrefix(pattern: string): string {
  const out: string[] = [];
  for (const part of splitOutsideGroups(pattern)) {
    if (isGlob(part)) break;
    out.push(part);
  }
  return out.join('/');
}

const widened = new Map<string, string>();

/**
 * A pattern past the limits (written on the board by hand: the CLI refuses them) is read as
 * everything under its literal folder, so it still protects what it names and costs nothing.
 */
function withinLimits(key: string): string {
  let w = widened.get(key);
  if (w === undefined) {
    if (patternProblem(key) === undefined) w = key;
    else {
      const head = literalPrefix(key);
      w = head !== '' ? `${head}/**` : key.startsWith('/') ? '/**' : '**';
    }
    if (widened.size > 10_000) widened.clear();
    widened.set(key, w);
  }
  return w;
}

/**
 * The one spelling of a key that every comparison uses. `infra:` keys compare without case
 * (`infra:Homelab-Prod` is `infra:homelab-prod`); so does a key's repository name (its first
 * folder), since `APP/src/a.ts` written by hand means the repository `app`. The rest of a path
 * keeps its case, as the file system does.
 */
export function matchKey(key: string): string {
  const k = normalizeKey(key);
  if (isInfraKey(k)) return k.toLowerCase();
  let out = k;
  if (!k.startsWith('/')) {
    const slash = k.indexOf('/');
    const first = slash < 0 ? k : k.slice(0, slash);
    const lower = first.toLowerCase();
    if (lower !== first) out = lower + k.slice(first.length);
  }
  return isGlob(out) ? withinLimits(out) : out;
}

/** Are two keys the same claim (`infra:X` and `infra:x`)? */
export function sameKey(a: string, b: string): boolean {
  return matchKey(a) === matchKey(b);
}

function segments(pattern: string): string[] {
  // `a/**/**/b` means the same as `a/**/b`; collapsing keeps the search small.
  const out: string[] = [];
  for (const s of splitOutsideGroups(pattern)) {
    if (s === '**' && out[out.length - 1] === '**') continue;
    out.push(s);
  }
  return out;
}

/** Brace groups whose alternatives cross folders are expanded up to this many patterns. */
const CROSS_FOLDER_EXPANSION = 64;
/** A brace segment against a wildcard segment is expanded up to this many alternatives. */
const SEGMENT_EXPANSION = 16;

function expandBraces(pattern: string): string[] {
  // Only brace segments against wildcards need expanding, and only when few: load the expander for them alone.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const braces = require('braces') as typeof Braces;
  return braces.expand(pattern);
}

/**
 * The patterns to compare segment by segment. Braces within one segment stay compiled; only
 * groups whose alternatives cross folders (`{src/a,test}/x`) are written out, one pattern per
 * alternative, up to a bound; past it the pattern is read as everything under its literal
 * folder (errs towards a conflict, never expands without bound).
 */
function alternatives(pattern: string): string[] {
  const out: string[] = [];
  const pending = [pattern];
  while (pending.length > 0) {
    const p = pending.pop()!;
    const g = braceGroups(p).find((x) => x.depth === 0 && x.alternatives?.some((a) => a.includes('/')));
    if (!g) {
      out.push(p);
      continue;
    }
    for (const alt of g.alternatives!) pending.push(p.slice(0, g.start) + alt + p.slice(g.end + 1));
    if (out.length + pending.length > CROSS_FOLDER_EXPANSION) {
      const head = literalPrefix(pattern);
      return [head === '' ? '**' : `${head}/**`];
    }
  }
  return out;
}

function literalEnds(seg: string): { prefix: string; suffix: string } {
  const first = seg.search(GLOB_CHARS);
  let last = -1;
  for (let i = seg.length - 1; i >= 0; i--) {
    if (GLOB_CHARS.test(seg.charAt(i))) {
      last = i;
      break;
    }
  }
  return { prefix: seg.slice(0, first), suffix: seg.slice(last + 1) };
}

/** Can some single path segment match both segment patterns? Errs towards "yes". */
function segmentsIntersect(a: string, b: string): boolean {
  if (a === b) return true;
  const ga = isGlob(a);
  const gb = isGlob(b);
  if (!ga && !gb) return false;
  if (!ga) return compiledMatcher(b)(a);
  if (!gb) return compiledMatcher(a)(b);
  // Both wildcards: a brace segment with few alternatives is compared one alternative at a time.
  for (const [x, y] of [
    [a, b],
    [b, a],
  ] as const) {
    if (/[{}]/.test(x) && braceGroups(x).length > 0 && expansionCount(x, SEGMENT_EXPANSION) <= SEGMENT_EXPANSION) {
      const alts = expandBraces(x);
      if (alts.length > 0 && alts.length <= SEGMENT_EXPANSION && !alts.includes(x)) return alts.some((alt) => segmentsIntersect(alt, y));
    }
  }
  // Compatible literal heads and tails are enough for `*`-style patterns.
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
    else r = segmentsIntersect(must(a[i], 'a folder of a pattern'), must(b[j], 'a folder of a pattern')) && go(i + 1, j + 1);
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
  return headsMeet(matchHead(a), matchHead(b));
}

/**
 * Two heads (`matchHead`) may share a path when one extends the other. The shared store's hot
 * read asks PostgreSQL the same of the heads this module computed (src/store-pg/reads.ts,
 * LIVE_READ: `starts_with` both ways), then applies this again to what comes back.
 */
function headsMeet(hx: string, hy: string): boolean {
  return hx.startsWith(hy) || hy.startsWith(hx);
}

/**
 * What a hot read (`near`, `check`) reads in full: the claims of `session` and those whose head
 * may overlap one of `paths` (`headsMayOverlap`). Every other claim cannot meet any of the paths,
 * so the conflict rule never needs it. One predicate for the board file's scan and the shared
 * store's rows.
 */
export function mayTouch(paths: readonly string[], session?: string): (claimSession: string, claimPath: string) => boolean {
  const heads = paths.map(matchHead);
  return (s, p) => {
    if (s === session) return true;
    if (heads.length === 0) return false;
    const h = matchHead(p);
    return heads.some((k) => headsMeet(k, h));
  };
}

/**
 * The literal head `headsMayOverlap` compares: `matchKey`'s spelling up to its first wildcard.
 * The shared store keeps each claim's head (schema 2, `claimboard_claims.head`) and selects hot
 * reads by it: a change to what this returns needs a migration that writes every head again.
 */
export function matchHead(key: string): string {
  return literalHead(matchKey(key));
}

function isAtOrBelow(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith('/') ? folder : `${folder}/`);
}

/** True when some path could be covered by both claims (`repo/src/**` and `repo/src/a/*.ts`). */
export function claimsOverlap(a: string, b: string): boolean {
  const x = matchKey(a);
  const y = matchKey(b);
  if (x === y) return true;
  const hx = literalHead(x);
  const hy = literalHead(y);
  if (!hx.startsWith(hy) && !hy.startsWith(hx)) return false;
  const gx = isGlob(x);
  const gy = isGlob(y);
  if (!gx && !gy) return isAtOrBelow(x, y) || isAtOrBelow(y, x);
  // The compiled matcher decides whether a glob covers a plain key, exactly as the index does.
  if (gx && !gy && coversKey(x, y)) return true;
  if (gy && !gx && coversKey(y, x)) return true;
  // Otherwise: a glob may match something below a plain key, or two globs share some path.
  for (const ex of alternatives(x)) {
    for (const ey of alternatives(y)) {
      if (overlapSegments(segments(ex), segments(ey))) return true;
    }
  }
  return false;
}

function coversKey(claim: string, key: string): boolean {
  if (!isGlob(claim)) return isAtOrBelow(key, claim);
  return coverMatcher(claim)(key);
}

/**
 * Does a claim stand in the way of this key? A key known to name a file (an edited file, a
 * staged one) only meets the claims that cover it: nothing lies below a file, so
 * a claim on every `*.test.ts` in a repository does not stop an edit of `repo/src/a.ts`. Any other key may be a
 * folder, and meets every claim it overlaps.
 */
export function claimMeets(claim: string, key: string, keyIsFile: boolean): boolean {
  return keyIsFile && !isGlob(key) ? claimCovers(claim, key) : claimsOverlap(key, claim);
}

/** Does a claim (key or glob) cover this concrete path key? */
export function claimCovers(claim: string, pathKey: string): boolean {
  return coversKey(matchKey(claim), matchKey(pathKey));
}
