/**
 * The line grammar of the board: how one claim, release or session line is read and written,
 * and the separator between its fields. The document (`board-format.ts`) finds the lines; this
 * module reads each one.
 */
import type { Claim, ClaimMode, Problem, Release, SessionRecord } from './model';
import { readClaimPath } from './path-key';
import { GLOB_CHARS } from './glob';
import { must } from './errors';
import { DASH, EM_DASH, EN_DASH, SEP, SEP_RE, SPACED_DASH_RE, TYPED_SEP_RE } from './separator';
import {
  DEFAULT_TTL_MS,
  LEASE_MAX_MS,
  LEASE_MIN_MS,
  clockOnDay,
  formatDayAndClock,
  formatDurationExact,
  formatIsoLocal,
  localTimesOn,
  parseClock,
  parseDayAndClock,
  parseDuration,
  parseIso,
  readClockAtOrAfter,
  readClockAtOrBefore,
  shortestTime,
  timeAfterDuration,
} from './duration';

/** A claim as the tool writes it: what the line holds, before it has a line number. */
export type ClaimLine = Omit<Claim, 'line' | 'leaseDerived'>;

export type ReleaseLine = Omit<Release, 'line'>;

/** A name as a line's first field: no spaces, parentheses or dashes. */
const NAME = `[^\\s()${EM_DASH}${EN_DASH}]+`;

const CLAIM_HEAD_RE = new RegExp(`^(?<session>${NAME})\\s*(?:\\((?<paren>[^)]*)\\))?\\s*${DASH}\\s*(?<rest>.*)$`);

/** Session and path of a claim line without reading its times; undefined when it does not look like one. */
export function quickClaimHead(body: string): { session: string; path: string } | undefined {
  // `session (started …) — path — …`: the path runs from the first separator to the next.
  const first = body.indexOf(SEP);
  if (first < 0 || TYPED_SEP_RE.test(body)) return slowClaimHead(body);
  const close = body.indexOf(')');
  if (close > first) return slowClaimHead(body);
  const space = body.search(/[\s(]/);
  const session = space < 0 ? body : body.slice(0, space);
  const next = body.indexOf(SEP, first + SEP.length);
  return { session, path: body.slice(first + SEP.length, next < 0 ? undefined : next).trim() };
}

/** ASCII characters that make a key a pattern, as `isGlob` reads them, by character code. */
const GLOB_CODE = Array.from({ length: 128 }, (_, c) => GLOB_CHARS.test(String.fromCharCode(c)));

/**
 * A pre-filter for the hot board read, run on every claim line before anything is sliced or
 * parsed: false only when the line is in the plain form the tool writes
 * (`session (started …) — path — …`, ASCII, no spaces, backticks, `./`, absolute path or
 * trailing slash in the path), its holder is not `session`, and the path's literal head meets
 * none of `heads` (each `matchHead` of an asked key). Then `headsMayOverlap` is false for every
 * asked key, since the key that line is read as (`readClaimPath`, then `matchKey`) begins, up to
 * the case of ASCII letters, with the head tested here: the whole path for a plain key, its
 * folders before the first wildcard for a pattern (all a pattern past the limits is widened
 * to). Every other line answers true and is read as before.
 */
export function claimLineMayMeet(body: string, session: string | undefined, heads: readonly string[]): boolean {
  const first = body.indexOf(SEP);
  if (first <= 0) return true;
  // The holder as CLAIM_HEAD_RE reads it: one token, then at most ` (…)` closing at the separator.
  let i = 0;
  for (; i < first; i++) {
    const c = body.charCodeAt(i);
    if (c === 32 || c === 40) break;
    if (c < 32 || c > 126 || c === 41) return true;
  }
  if (i === 0) return true;
  if (session !== undefined && i === session.length && body.startsWith(session)) return true;
  if (i < first) {
    while (body.charCodeAt(i) === 32) i++;
    if (body.charCodeAt(i) !== 40 || body.indexOf(')', i) !== first - 1) return true;
  }
  const start = first + SEP.length;
  let end = start;
  let glob = -1;
  let slash = -1;
  for (; end < body.length; end++) {
    const c = body.charCodeAt(end);
    if (c === 32) break;
    if (c < 32 || c > 126 || c === 96 || c === 92) return true;
    if (glob < 0) {
      if (c === 47) slash = end;
      else if (GLOB_CODE[c]) glob = end;
    }
  }
  if (end === start || (end < body.length && !body.startsWith(SEP, end))) return true;
  const c0 = body.charCodeAt(start);
  if (c0 === 46 || c0 === 47 || body.charCodeAt(start + 1) === 58 || body.charCodeAt(end - 1) === 47) return true;
  const headEnd = glob < 0 ? end : slash + 1;
  for (const h of heads) if (foldedPrefixesMeet(body, start, headEnd, h)) return true;
  return false;
}

/** Does one of body[from, to) and `head` start the other, with ASCII letters in any case? */
function foldedPrefixesMeet(body: string, from: number, to: number, head: string): boolean {
  const n = Math.min(to - from, head.length);
  for (let j = 0; j < n; j++) {
    let a = body.charCodeAt(from + j);
    let b = head.charCodeAt(j);
    if (a === b) continue;
    if (b > 127) return true;
    if (a >= 65 && a <= 90) a += 32;
    if (b >= 65 && b <= 90) b += 32;
    if (a !== b) return false;
  }
  return true;
}

/** A character of a plain path as `claimLineMayMeet` reads it: printable ASCII but space, backtick and backslash. */
const PATH_CHAR = '[!-\\[\\]-_a-~]';
/** The same without `/`: a plain path does not end in one. */
const PATH_END_CHAR = '[!-.0-\\[\\]-_a-~]';
/** A holder's character: printable ASCII but space and parentheses. */
const HOLDER_CHAR = "[!-'*-~]";
/** The first wildcard of a pattern segment, as `GLOB_CHARS` reads it. */
const SEGMENT_GLOB = `(?=[^/\\s]*${GLOB_CHARS.source})`;
/** Heads are compared this far; a longer head meets every line that agrees with it so far. */
const HEAD_CHARS_COMPARED = 200;

/** One ASCII character as a regular expression; `fold`: an ASCII letter in either case. */
function escapeChar(c: string, fold: boolean): string {
  const code = c.charCodeAt(0);
  if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) return fold ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c;
  if (code >= 48 && code <= 57) return c;
  return `\\x${code.toString(16).padStart(2, '0')}`;
}

/**
 * A regular expression, matched at the start of a plain path, that matches whenever the path's
 * literal head and `head` meet as `foldedPrefixesMeet` reads them: the path ends, or its first
 * wildcard segment starts, before the two disagree; a non-ASCII character of `head` meets anything.
 */
function headMeets(head: string): string {
  let out = '';
  const n = Math.min(head.length, HEAD_CHARS_COMPARED);
  for (let j = n; j >= 0; j--) {
    if (j === n) {
      out = '';
      continue;
    }
    const c = head.charAt(j);
    const boundary = j === 0 || head.charAt(j - 1) === '/';
    const ends = `(?!${PATH_CHAR})`;
    if (c.charCodeAt(0) > 127) out = '';
    else out = `(?:${ends}|${boundary ? `${SEGMENT_GLOB}|` : ''}${escapeChar(c, true)}${out})`;
  }
  return out;
}

/**
 * Runs of claim lines that `claimLineMayMeet(body, session, heads)` answers false for, as one
 * sticky regular expression: V8 skips a run of them in native code, where reading each line in
 * JavaScript cost most of a cold `check` on a large board. It matches only whole lines
 * (`- ` at the start, newline at the end) in the plain form the tool writes; it stops at any
 * other line, which is then read as before. Sound, not complete: every line it consumes is one
 * `claimLineMayMeet` skips (a property test holds them together).
 */
export function skippedClaimLines(session: string | undefined, heads: readonly string[], form: 'text' | 'latin1' = 'text'): RegExp {
  // `latin1`: the board's bytes read one character a byte (the em dash is its three UTF-8 bytes).
  const dash = form === 'latin1' ? '\\xe2\\x80\\x94' : EM_DASH;
  const dashStart = form === 'latin1' ? '\\xe2' : EM_DASH;
  // A holder is printable ASCII: a session named otherwise holds none of these lines.
  const notHolder = session !== undefined && /^[!-~]+$/.test(session) ? `(?!${[...session].map((c) => escapeChar(c, false)).join('')}[ (])` : '';
  const meets = heads.length > 0 ? `(?!${heads.map(headMeets).join('|') || '(?:)'})` : '';
  const line = `- ${notHolder}${HOLDER_CHAR}+(?: *\\([^)\\n\\r${dashStart}]*\\))? ${dash} (?![./]|.:)${meets}${PATH_CHAR}*${PATH_END_CHAR} ${dash} [^\\n]*\\n`;
  return new RegExp(`(?:${line})+`, 'y');
}

function slowClaimHead(body: string): { session: string; path: string } | undefined {
  const m = CLAIM_HEAD_RE.exec(body);
  if (!m?.groups) return undefined;
  const rest = must(m.groups.rest, 'the rest of a claim line');
  const cut = rest.search(SPACED_DASH_RE);
  return { session: must(m.groups.session, 'the holder of a claim line'), path: (cut < 0 ? rest : rest.slice(0, cut)).trim() };
}

export function parseClaimBody(body: string, line: number, anchor: Date, now: Date, defaultTtlMs: number, problems: Problem[]): Claim | undefined {
  const m = CLAIM_HEAD_RE.exec(body);
  if (!m?.groups) {
    problems.push({ line, message: 'not a claim: expected "- session (started HH:MM) — path — eta HH:MM"' });
    return undefined;
  }
  const session = must(m.groups.session, 'the holder of a claim line');
  const rest = must(m.groups.rest, 'the rest of a claim line');
  const paren = m.groups.paren;
  // The tool writes " — "; splitting on the plain string first keeps the hook's cold start cheap.
  const fields = (TYPED_SEP_RE.test(rest) ? rest.split(SEP_RE) : rest.split(EM_DASH)).map((f) => f.trim());
  const written = fields.shift() ?? '';
  if (written === '') {
    problems.push({ line, message: 'claim without a path' });
    return undefined;
  }
  const read = readClaimPath(written);
  if (read.path === undefined) {
    problems.push({ line, message: read.problem });
    return undefined;
  }
  const path = read.path;
  let eta: string | undefined;
  let lease: string | undefined;
  let ttl: string | undefined;
  let id: string | undefined;
  let mode: ClaimMode = 'exclusive';
  let reason: string | undefined;
  let pid: number | undefined;
  let host: string | undefined;
  let forcedFrom: string | undefined;
  const extras: string[] = [];
  for (const f of fields) {
    // Dispatch on the field's first word; the regex runs only for the field it names.
    const head = f.slice(0, 17).toLowerCase();
    let x: RegExpExecArray | null = null;
    if (head.startsWith('eta') && (x = /^eta\s+(.+)$/i.exec(f))) eta = x[1];
    else if (head.startsWith('lease') && (x = /^lease(?:\s+until)?\s+(.+)$/i.exec(f))) lease = x[1];
    else if (head.startsWith('ttl') && (x = /^ttl\s+(\S+)$/i.exec(f))) ttl = x[1];
    else if (head.startsWith('id') && (x = /^id\s+(\S+)$/i.exec(f))) id = x[1];
    else if (head === 'shared' || head === 'exclusive') mode = head;
    else if (head.startsWith('reason:')) reason = f.slice(7).trim();
    else if (head.startsWith('pid') && (x = /^pid\s+(\d+)(?:@(\S+))?$/i.exec(f))) {
      pid = Number(x[1]);
      host = x[2];
    } else if (head.startsWith('taken over from') && (x = /^taken over from\s+(\S+)$/i.exec(f))) forcedFrom = x[1];
    else extras.push(f);
  }

  // The claim's own lease length: written on the line when it is not the default. A line the
  // tool wrote without one had the default; a hand-written line gets this process's setting.
  let ttlMs = lease !== undefined ? DEFAULT_TTL_MS : defaultTtlMs;
  if (ttl !== undefined) {
    const t = leaseLengthOf(ttl);
    if (t === undefined) problems.push({ line, message: `bad ttl "${ttl}": a lease length from ${formatDurationExact(LEASE_MIN_MS)} to ${formatDurationExact(LEASE_MAX_MS)}, like 90s, 30m, 2h` });
    else ttlMs = t;
  }

  // A tool-written lease anchors the line's short times; hand-written lines use the board's day.
  let expires: Date | undefined;
  if (lease !== undefined) {
    expires = parseIso(lease) ?? clockOnDay(lease, anchor);
    if (!expires) problems.push({ line, message: `bad lease time "${lease}"` });
  }
  let started: Date | undefined;
  const startText = paren ? /^(?:started|since)?\s*(.*)$/i.exec(paren.trim())![1] : undefined;
  if (startText) {
    started = parseIso(startText) ?? (expires ? readClockAtOrBefore(startText, expires) : handWrittenStart(startText, anchor, now));
    if (!started) problems.push({ line, message: `bad start time "${paren}"` });
  }
  started ??= expires ? new Date(expires.getTime() - ttlMs) : anchor;

  let etaDate: Date | undefined;
  if (eta !== undefined && !/^(\?|unknown|none|-)$/i.test(eta.trim())) {
    etaDate = parseIso(eta) ?? readClockAtOrAfter(eta, started) ?? timeAfterDuration(eta, started);
    if (!etaDate) problems.push({ line, message: `bad eta "${eta}"` });
  }
  const leaseDerived = expires === undefined;
  expires ??= new Date((etaDate ?? started).getTime() + ttlMs);

  return {
    id,
    session,
    path,
    started,
    eta: etaDate,
    expires,
    leaseDerived,
    ttlMs,
    mode,
    reason: reason ?? (extras.length > 0 ? extras.join(SEP) : undefined),
    pid,
    host,
    forcedFrom,
    extras: extras.length > 0 ? extras : undefined,
    line,
  };
}

/** A `ttl` field's length, or undefined when it is not one a lease may have. */
function leaseLengthOf(text: string): number | undefined {
  try {
    const ms = parseDuration(text);
    return ms >= LEASE_MIN_MS && ms <= LEASE_MAX_MS ? ms : undefined;
  } catch {
    return undefined;
  }
}

const TTL_FIELD_RE = new RegExp(`(?:^|\\s${DASH}\\s)ttl\\s+\\S+\\s*(?:$|\\s${DASH}\\s)`, 'i');

/** True when the line carries its own `ttl` field (a settled hand-written line may need one added). */
export function lineHasTtl(body: string): boolean {
  return TTL_FIELD_RE.test(body);
}

/**
 * A hand-written start with no lease yet. Every write stamps a lease on the hand-written claims
 * it finds, so a line still without one was written after the board's `Last updated`: its
 * `00:05` is on that day or the next, the later one that is not in the future. Written just
 * after midnight while `Last updated` is still yesterday, it is today's, and live.
 */
function handWrittenStart(text: string, anchor: Date, now: Date): Date | undefined {
  const c = parseClock(text);
  if (!c) return parseDayAndClock(text);
  const candidates = [...localTimesOn(anchor, c[0], c[1]), ...localTimesOn(new Date(anchor.getFullYear(), anchor.getMonth(), anchor.getDate() + 1, 12), c[0], c[1])];
  let best: Date | undefined;
  for (const d of candidates) if (d.getTime() <= now.getTime()) best = d;
  return best ?? candidates[0];
}

export function formatClaimLine(c: ClaimLine): string {
  const started = shortestTime(c.started, c.expires, (t) => parseIso(t) ?? readClockAtOrBefore(t, c.expires));
  // The ETA is read back from the start as it will be read (to the minute).
  const startedBack = parseIso(started) ?? readClockAtOrBefore(started, c.expires) ?? c.started;
  const parts = [`- ${c.session} (started ${started})`, c.path];
  parts.push(`eta ${c.eta ? shortestTime(c.eta, c.started, (t) => parseIso(t) ?? readClockAtOrAfter(t, startedBack)) : '?'}`);
  parts.push(`lease until ${formatIsoLocal(c.expires)}`);
  if (c.ttlMs !== undefined && c.ttlMs !== DEFAULT_TTL_MS) parts.push(`ttl ${formatDurationExact(c.ttlMs)}`);
  if (c.mode === 'shared') parts.push('shared');
  if (c.forcedFrom) parts.push(`taken over from ${c.forcedFrom}`);
  if (c.reason && !(c.extras && c.extras.join(SEP) === c.reason)) parts.push(`reason: ${c.reason}`);
  if (c.extras) parts.push(...c.extras);
  if (c.pid !== undefined) parts.push(`pid ${c.pid}${c.host ? `@${c.host}` : ''}`);
  if (c.id) parts.push(`id ${c.id}`);
  return parts.join(SEP);
}

const RELEASE_RE = new RegExp(`^(?<at>\\d{4}-\\d{2}-\\d{2}[ T]\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?)\\s*${DASH}\\s*(?<session>\\S+)\\s*${DASH}\\s*(?<rest>.+)$`);

export function parseReleaseBody(body: string, line: number): Release | undefined {
  const m = RELEASE_RE.exec(body);
  if (!m?.groups) return undefined;
  const raw = must(m.groups.at, 'the time of a release line').replace(/^(\d{4}-\d{2}-\d{2})[ T](\d):/, '$1T0$2:');
  const at = parseIso(raw);
  if (!at) return undefined;
  const [path = '', ...outcome] = must(m.groups.rest, 'the path of a release line').split(SEP_RE);
  return { at, session: must(m.groups.session, 'the holder of a release line'), path: path.trim(), outcome: outcome.length ? outcome.join(SEP).trim() : undefined, line };
}

export function formatReleaseLine(r: ReleaseLine): string {
  const parts = [`- ${formatDayAndClock(r.at)}`, r.session, r.path];
  if (r.outcome) parts.push(r.outcome);
  return parts.join(SEP);
}

const SESSION_RE = new RegExp(`^(?<name>${NAME})\\s*\\((?:started\\s+)?(?<started>[^)]*)\\)\\s*(?:${DASH}\\s*(?<rest>.*))?$`);

export function parseSessionBody(body: string, line: number): SessionRecord | undefined {
  const m = SESSION_RE.exec(body);
  if (!m?.groups) return undefined;
  const started = parseIso(must(m.groups.started, 'the start of a session line').trim());
  if (!started) return undefined;
  const rec: SessionRecord = { name: must(m.groups.name, 'the name of a session line'), started, line };
  for (const f of (m.groups.rest ?? '')
    .split(SEP_RE)
    .map((x) => x.trim())
    .filter(Boolean)) {
    let x: RegExpExecArray | null;
    if ((x = /^repo:\s*(.*)$/i.exec(f))) rec.repo = x[1];
    else if ((x = /^task:\s*(.*)$/i.exec(f))) rec.task = x[1];
    else if ((x = /^claude\s+(\S+)$/i.exec(f))) rec.externalId = x[1];
    else if ((x = /^pid\s+(\d+)(?:@(\S+))?$/i.exec(f))) {
      rec.pid = Number(x[1]);
      rec.host = x[2];
    } else if ((x = /^ended\s+(.+)$/i.exec(f))) rec.ended = parseIso(must(x[1], 'the end of a session'));
  }
  return rec;
}

export function formatSessionLine(s: Omit<SessionRecord, 'line'>): string {
  const parts = [`- ${s.name} (started ${formatIsoLocal(s.started)})`];
  if (s.repo) parts.push(`repo: ${s.repo}`);
  if (s.task) parts.push(`task: ${s.task}`);
  if (s.externalId) parts.push(`claude ${s.externalId}`);
  if (s.pid !== undefined) parts.push(`pid ${s.pid}${s.host ? `@${s.host}` : ''}`);
  if (s.ended) parts.push(`ended ${formatIsoLocal(s.ended)}`);
  return parts.join(SEP);
}

/** Names and paths become fields of a line: they may not break it. */
