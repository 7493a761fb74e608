/**
 * Globs as the board reads them: one set of options, one compiled matcher per pattern, and the
 * limits past which a pattern is refused. picomatch is loaded on first use: most hook calls
 * decide from literal path heads and never compile a glob.
 *
 * Braces are never expanded to compare claims (22 `{a,b}` groups are 4 million paths): they are
 * compiled into one regular expression, as picomatch does, with ranges written as compact
 * regular expressions rather than lists.
 */
import type Picomatch from 'picomatch';
import { must } from './errors';

let loaded: typeof Picomatch | undefined;

export function picomatch(): typeof Picomatch {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('picomatch') as typeof Picomatch;
  return loaded;
}

/** Characters that make a key a pattern. */
export const GLOB_CHARS = /[*?[\]{}()!+@]/;

/** The documented limits on a key (docs/architecture.md, "Limits"). */
export const PATTERN_LIMITS = {
  /** Brace groups (`{a,b}`, `{1..9}`) in one pattern. */
  braceGroups: 8,
  /** Values all ranges (`{1..1000}`) of a pattern may span together. */
  rangeValues: 1000,
  /** Values all stepped ranges (`{1..99..2}`) of a pattern may span together: each is written out. */
  steppedValues: 100,
  /** `*` wildcards within one path segment (`**` not counted): each one multiplies the work of a match. */
  starsPerSegment: 3,
} as const;

/**
 * picomatch reads `{1..1000}` as the character class `[1-1000]` unless told how to write a
 * range; braces' compiler writes it as a compact regular expression (`[1-9]|[1-9][0-9]{1,2}|1000`).
 */
function expandRange(...args: unknown[]): string {
  const parts = args.filter((a): a is string => typeof a === 'string');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const braces = require('braces') as (p: string) => string[];
  const out = must(braces(`{${parts.join('..')}}`)[0], 'the expansion of a range');
  return out.startsWith('(') ? out : `(${out})`;
}

const GLOB_OPTIONS: Picomatch.PicomatchOptions = { dot: true, expandRange };

interface BraceGroup {
  /** Index of `{` and of its `}`. */
  start: number;
  end: number;
  /** Comma alternatives or, for a range, undefined. */
  alternatives?: string[];
  rangeValues?: number;
  /** A range with a step other than 1: its values are written out one by one. */
  stepped?: boolean;
  depth: number;
}

/** The brace groups picomatch would read (balanced, with a top-level comma or a range). */
export function braceGroups(pattern: string): BraceGroup[] {
  const out: BraceGroup[] = [];
  const stack: { start: number; commas: number[] }[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') stack.push({ start: i, commas: [] });
    else if (c === ',' && stack.length > 0) stack.at(-1)?.commas.push(i);
    else if (c === '}' && stack.length > 0) {
      const g = stack.pop()!;
      const body = pattern.slice(g.start + 1, i);
      if (g.commas.length > 0) {
        const cuts = [g.start, ...g.commas, i];
        const alternatives = cuts.slice(1).map((at, k) => pattern.slice(must(cuts[k], 'a cut before an alternative') + 1, at));
        out.push({ start: g.start, end: i, alternatives, depth: stack.length });
      } else {
        const r = rangeSize(body);
        if (r !== undefined) out.push({ start: g.start, end: i, rangeValues: r.values, stepped: r.step !== 1, depth: stack.length });
      }
    }
  }
  return out;
}

function rangeSize(body: string): { values: number; step: number } | undefined {
  const m = /^(-?\d+|[A-Za-z])\.\.(-?\d+|[A-Za-z])(?:\.\.(-?\d+))?$/.exec(body);
  if (!m) return undefined;
  const num = (s: string): number => (/^-?\d+$/.test(s) ? Number(s) : s.charCodeAt(0));
  const step = Math.max(1, Math.abs(m[3] !== undefined ? Number(m[3]) : 1));
  return { values: Math.floor(Math.abs(num(must(m[2], 'the end of a range')) - num(must(m[1], 'the start of a range'))) / step) + 1, step };
}

/** Why a pattern is refused, or undefined when it is within the limits. Never expands it. */
export function patternProblem(pattern: string): string | undefined {
  const groups = braceGroups(pattern);
  if (groups.length > PATTERN_LIMITS.braceGroups) {
    return `pattern has ${groups.length} brace groups (at most ${PATTERN_LIMITS.braceGroups})`;
  }
  for (const g of groups) {
    if (g.rangeValues !== undefined && g.rangeValues > PATTERN_LIMITS.rangeValues) {
      return `range ${pattern.slice(g.start, g.end + 1)} spans ${g.rangeValues} values (at most ${PATTERN_LIMITS.rangeValues})`;
    }
  }
  const values = groups.reduce((n, g) => n + (g.rangeValues ?? 0), 0);
  if (values > PATTERN_LIMITS.rangeValues) return `ranges span ${values} values together (at most ${PATTERN_LIMITS.rangeValues})`;
  const stepped = groups.reduce((n, g) => n + (g.stepped ? (g.rangeValues ?? 0) : 0), 0);
  if (stepped > PATTERN_LIMITS.steppedValues) {
    return `stepped ranges span ${stepped} values together (at most ${PATTERN_LIMITS.steppedValues}; ranges without a step may span ${PATTERN_LIMITS.rangeValues})`;
  }
  if (/[*+]\(/.test(pattern)) return 'repeating extglobs `*(…)` and `+(…)` are not accepted';
  for (const seg of splitOutsideGroups(pattern)) {
    if (seg === '**') continue;
    const stars = (seg.replace(/\*\*+/g, '*').match(/\*/g) ?? []).length;
    if (stars > PATTERN_LIMITS.starsPerSegment) return `segment "${seg}" has ${stars} * wildcards (at most ${PATTERN_LIMITS.starsPerSegment})`;
  }
  return undefined;
}

/** Splits on `/` outside braces, brackets and parentheses (`{a/b,c}/d` is two segments). */
export function splitOutsideGroups(pattern: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{' || c === '(' || c === '[') depth++;
    else if ((c === '}' || c === ')' || c === ']') && depth > 0) depth--;
    else if (c === '/' && depth === 0) {
      out.push(pattern.slice(from, i));
      from = i + 1;
    }
  }
  out.push(pattern.slice(from));
  return out;
}

/**
 * How many paths a brace pattern stands for, computed without expanding it; stops counting past
 * `cap` (returns cap + 1).
 */
export function expansionCount(pattern: string, cap: number): number {
  const top = braceGroups(pattern).filter((g) => g.depth === 0);
  let n = 1;
  for (const g of top) {
    let k = 0;
    if (g.rangeValues !== undefined) k = g.rangeValues;
    else for (const alt of g.alternatives ?? []) k += expansionCount(alt, cap);
    n *= Math.max(1, k);
    if (n > cap) return cap + 1;
  }
  return n;
}

type Matcher = (path: string) => boolean;

/**
 * Does the pattern match the path or one of its folders? What a claim covers (a folder claim
 * holds its files), with one compiled expression rather than two (`x` and `x/**`).
 */
export function coverMatcher(pattern: string): Matcher {
  const m = compiledMatcher(pattern);
  return (p) => {
    if (m(p)) return true;
    for (let i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/', i - 1)) if (m(p.slice(0, i))) return true;
    return false;
  };
}
const compiled = new Map<string, Matcher>();
/** Compiled matchers kept; a board has about a thousand claims, the editor asks about every file. */
const MAX_COMPILED = 20_000;

/**
 * The one compiled matcher for a pattern (a claim key, or a single path segment). Every adapter
 * matches through this: the index behind the editor's badges, the hooks, the git guard and the
 * service.
 */
export function compiledMatcher(patterns: string | string[]): Matcher {
  const id = Array.isArray(patterns) ? patterns.join('\u0000') : patterns;
  let m = compiled.get(id);
  if (!m) {
    m = picomatch()(patterns, GLOB_OPTIONS);
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(id, m);
  }
  return m;
}
