/**
 * The coordination board's markdown format: a lossless parse of the seed's board and the
 * lines the tool adds to it.
 *
 * The document keeps every line as written. Understood lines (claims, releases, pinned
 * notes, sessions) are parsed on the side; edits replace or insert whole lines and re-parse,
 * so anything a person wrote that the parser does not understand survives byte for byte.
 */
import type { Claim, ClaimMode, PinnedNote, Problem, Release, SessionRecord } from './model';
import { validateLength } from './limits';
import { readClaimPath } from './path-key';
import { GLOB_CHARS } from './glob';
import { LEASE_MAX_MS, LEASE_MIN_MS, clockAtOrAfter, clockAtOrBefore, formatClock, formatDay, formatDurationExact, formatIsoLocal, localTimesOn, parseDuration, parseIso, sameLocalDay } from './duration';

export const DEFAULT_TTL_MS = 60 * 60_000;
export { FIELD_LIMITS, validateLength } from './limits';

/** The separator between fields of a line. Paths and names may not contain it. */
export const SEP = ' — ';
/** People type an en dash or a double hyphen too; all read as the separator. */
const SEP_RE = /\s+(?:—|–|--)\s+/;

export type SectionName = 'claims' | 'releases' | 'notes' | 'sessions';

const SECTION_TITLES: Record<SectionName, string> = {
  claims: 'Active claims',
  releases: 'Recent releases',
  notes: 'Pinned notes',
  sessions: 'Sessions',
};

const BOARD_TITLE = '# Claude Session Coordination Board';

export interface ParseOptions {
  /** Used when the board has no `Last updated:` line to anchor `19:15`-style times. */
  now?: Date;
  /** Lease length given to hand-written claims that carry no lease. */
  ttlMs?: number;
}

/** A claim as the tool writes it: what the line holds, before it has a line number. */
export type ClaimLine = Omit<Claim, 'line' | 'leaseDerived'>;

export type ReleaseLine = Omit<Release, 'line'>;

interface SectionRange {
  name: SectionName;
  /** 0-based index of the heading line. */
  heading: number;
  /** 0-based index one past the last line of the section. */
  end: number;
}

const HEADING_RE = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const UPDATED_RE = /^(\s*Last updated:\s*)(.*?)(\s*)$/i;

/** The text of a list item (`- x`, `* x`, `+ x`), without running a regex on every line. */
function itemText(text: string, ordered = false): string | undefined {
  let i = 0;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  let c = text[i];
  // `1. session-a — …`: a person numbering the claims still writes claims.
  if (ordered && c >= '0' && c <= '9') {
    while (i < text.length && text[i] >= '0' && text[i] <= '9') i++;
    c = text[i] === '.' || text[i] === ')' ? '-' : text[i];
  }
  if (c !== '-' && c !== '*' && c !== '+') return undefined;
  const after = text[i + 1];
  if (after !== ' ' && after !== '\t') return undefined;
  const body = text.slice(i + 2).trim();
  return body === '' ? undefined : body;
}

function sectionOf(title: string): SectionName | undefined {
  const t = title.trim().toLowerCase().replace(/\s+/g, ' ');
  for (const [name, want] of Object.entries(SECTION_TITLES)) {
    if (t === want.toLowerCase()) return name as SectionName;
  }
  return undefined;
}

function stripCr(raw: string): string {
  return raw.endsWith('\r') ? raw.slice(0, -1) : raw;
}

export class BoardDocument {
  private lines: string[];
  private readonly finalNewline: boolean;
  private readonly crlf: boolean;
  private readonly ttlMs: number;
  private readonly fallbackNow: Date;

  releases: Release[] = [];
  notes: PinnedNote[] = [];
  sessions: SessionRecord[] = [];
  lastUpdated?: Date;
  /**
   * Claim lines are read in full (times, lease) only when asked for: a hook's check on a board
   * of 1,000 claims only needs the few whose path could touch its file.
   */
  private claimItems: { body: string; line: number; parsed?: Claim | null }[] = [];
  private claimProblems: Problem[] = [];
  private otherProblems: Problem[] = [];
  private allClaims?: Claim[];
  private sections: SectionRange[] = [];
  private anchor: Date = new Date(0);

  private parseItem(item: { body: string; line: number; parsed?: Claim | null }): Claim | undefined {
    if (item.parsed === undefined) {
      const problems: Problem[] = [];
      item.parsed = parseClaimBody(item.body, item.line, this.anchor, this.fallbackNow, this.ttlMs, problems) ?? null;
      this.claimProblems.push(...problems);
    }
    return item.parsed ?? undefined;
  }

  /** Every claim on the board, in board order. */
  get claims(): Claim[] {
    if (!this.allClaims) {
      const out: Claim[] = [];
      for (const item of this.claimItems) {
        const c = this.parseItem(item);
        if (c) out.push(c);
      }
      this.allClaims = out;
    }
    return this.allClaims;
  }

  /** Lines that look like entries but do not parse, in line order. */
  get problems(): Problem[] {
    void this.claims;
    return [...this.otherProblems, ...this.claimProblems].sort((a, b) => a.line - b.line);
  }

  /**
   * The claims whose holder and path pass `keep`, which sees them before the line is read in
   * full; only those are parsed.
   */
  claimsWhere(keep: (session: string, path: string) => boolean, mayKeep?: (body: string) => boolean): Claim[] {
    if (this.allClaims) return this.allClaims.filter((c) => keep(c.session, c.path));
    const out: Claim[] = [];
    for (const item of this.claimItems) {
      if (mayKeep && !mayKeep(item.body)) continue;
      const head = quickClaimHead(item.body);
      const read = head ? readClaimPath(head.path) : undefined;
      if (head && read?.path !== undefined && !keep(head.session, read.path)) continue;
      const c = this.parseItem(item);
      if (c && keep(c.session, c.path)) out.push(c);
    }
    return out;
  }

  private constructor(text: string, opts: ParseOptions) {
    this.ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
    this.fallbackNow = opts.now ?? new Date();
    this.finalNewline = text.length === 0 || text.endsWith('\n');
    const body = this.finalNewline && text.length > 0 ? text.slice(0, -1) : text;
    this.lines = text.length === 0 ? [] : body.split('\n');
    let withCr = 0;
    for (const l of this.lines) if (l.charCodeAt(l.length - 1) === 13) withCr++;
    this.crlf = withCr * 2 > this.lines.length;
    this.reparse();
  }

  static parse(text: string, opts: ParseOptions = {}): BoardDocument {
    return new BoardDocument(text, opts);
  }

  /** A new board with the seed's title and sections. */
  static create(now: Date, opts: ParseOptions = {}): BoardDocument {
    const text = [
      BOARD_TITLE,
      '',
      `Last updated: ${formatIsoLocal(now)}`,
      '',
      `## ${SECTION_TITLES.claims}`,
      '',
      `## ${SECTION_TITLES.releases}`,
      '',
      `## ${SECTION_TITLES.notes}`,
      '',
    ].join('\n');
    return new BoardDocument(text, { ...opts, now });
  }

  serialize(): string {
    return this.lines.join('\n') + (this.finalNewline && this.lines.length > 0 ? '\n' : '');
  }

  get lineCount(): number {
    return this.lines.length;
  }

  /** The raw text of a 1-based line, without its line ending. */
  rawLine(line: number): string {
    return stripCr(this.lines[line - 1] ?? '');
  }

  // ---------------------------------------------------------------- parsing

  private reparse(): void {
    this.claimItems = [];
    this.claimProblems = [];
    this.allClaims = undefined;
    this.releases = [];
    this.notes = [];
    this.sessions = [];
    this.otherProblems = [];
    this.sections = [];
    this.lastUpdated = undefined;

    let current: SectionRange | undefined;
    const seen = new Set<SectionName>();
    for (let i = 0; i < this.lines.length; i++) {
      const text = stripCr(this.lines[i]);
      const h = text.startsWith('#') ? HEADING_RE.exec(text) : null;
      if (h) {
        if (current) current.end = i;
        current = undefined;
        if (h[1].length >= 2) {
          const name = sectionOf(h[2]);
          if (name) {
            if (seen.has(name)) this.otherProblems.push({ line: i + 1, message: `second "${SECTION_TITLES[name]}" section; new entries go to the first one` });
            seen.add(name);
            current = { name, heading: i, end: this.lines.length };
            this.sections.push(current);
          }
        }
        continue;
      }
      if (!current && /^\s*last/i.test(text)) {
        const u = UPDATED_RE.exec(text);
        if (u && this.lastUpdated === undefined) {
          const d = parseIso(u[2]);
          if (d) this.lastUpdated = d;
          else this.otherProblems.push({ line: i + 1, message: `"Last updated:" is not an ISO 8601 time: ${u[2]}` });
        }
      }
    }
    this.anchor = this.lastUpdated ?? this.fallbackNow;

    for (const s of this.sections) {
      for (let i = s.heading + 1; i < s.end; i++) {
        const body = itemText(stripCr(this.lines[i]), s.name === 'claims');
        if (body === undefined) continue;
        const line = i + 1;
        switch (s.name) {
          case 'claims':
            this.claimItems.push({ body, line });
            break;
          case 'releases': {
            const r = parseReleaseBody(body, line);
            if (r) this.releases.push(r);
            else this.otherProblems.push({ line, message: 'not a release: expected "- YYYY-MM-DD HH:MM — session — path"' });
            break;
          }
          case 'notes':
            this.notes.push({ text: body, line });
            break;
          case 'sessions': {
            const rec = parseSessionBody(body, line);
            if (rec) this.sessions.push(rec);
            else this.otherProblems.push({ line, message: 'not a session: expected "- session-a (started <ISO time>) — …"' });
            break;
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- edits

  private eol(text: string): string {
    return this.crlf ? `${text}\r` : text;
  }

  private isBlank(i: number): boolean {
    return i < this.lines.length && stripCr(this.lines[i]).trim() === '';
  }

  private firstSection(name: SectionName): SectionRange | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** Finds the section, appending it at the end of the board when missing. */
  private ensureSection(name: SectionName): SectionRange {
    const found = this.firstSection(name);
    if (found) return found;
    if (this.lines.length > 0 && !this.isBlank(this.lines.length - 1)) this.lines.push(this.eol(''));
    this.lines.push(this.eol(`## ${SECTION_TITLES[name]}`), this.eol(''));
    this.reparse();
    return this.firstSection(name)!;
  }

  private itemIndexes(s: SectionRange): number[] {
    const out: number[] = [];
    for (let i = s.heading + 1; i < s.end; i++) if (itemText(stripCr(this.lines[i]), s.name === 'claims') !== undefined) out.push(i);
    return out;
  }

  /** Inserts item lines at the top or bottom of a section's items, keeping blank-line spacing. */
  private insertItems(name: SectionName, texts: string[], where: 'top' | 'bottom'): void {
    if (texts.length === 0) return;
    const s = this.ensureSection(name);
    const items = this.itemIndexes(s);
    const fresh = texts.map((t) => this.eol(t));
    if (items.length > 0) {
      const at = where === 'top' ? items[0] : items[items.length - 1] + 1;
      this.lines.splice(at, 0, ...fresh);
    } else {
      let at = s.heading + 1;
      if (this.isBlank(at)) at += 1;
      else this.lines.splice(at++, 0, this.eol(''));
      // Keep a blank line between the new items and whatever follows.
      const needsGap = at < this.lines.length && !this.isBlank(at);
      this.lines.splice(at, 0, ...fresh, ...(needsGap ? [this.eol('')] : []));
    }
    this.reparse();
  }

  /** Removes whole lines (1-based). */
  removeLines(lines: number[]): void {
    const drop = new Set(lines.map((l) => l - 1));
    this.lines = this.lines.filter((_, i) => !drop.has(i));
    this.reparse();
  }

  replaceLine(line: number, text: string): void {
    this.replaceLines([[line, text]]);
  }

  /** Replaces many lines (1-based) with one re-parse: a board of thousands of hand-written claims stays linear. */
  replaceLines(changes: Iterable<readonly [number, string]>): void {
    for (const [line, text] of changes) this.lines[line - 1] = this.eol(text);
    this.reparse();
  }

  addClaims(claims: ClaimLine[]): void {
    this.insertItems('claims', claims.map(formatClaimLine), 'bottom');
  }

  /** Newest first, as in the seed. */
  addReleases(releases: ReleaseLine[]): void {
    const sorted = [...releases].sort((a, b) => b.at.getTime() - a.at.getTime());
    this.insertItems('releases', sorted.map(formatReleaseLine), 'top');
  }

  /** Drops releases past the first `keep`; returns their lines for the archive. */
  trimReleases(keep: number): string[] {
    const s = this.firstSection('releases');
    if (!s) return [];
    const items = this.itemIndexes(s);
    if (items.length <= keep) return [];
    const old = items.slice(keep);
    const texts = old.map((i) => stripCr(this.lines[i]));
    this.removeLines(old.map((i) => i + 1));
    return texts;
  }

  addNote(text: string): void {
    this.insertItems('notes', [`- ${text}`], 'bottom');
  }

  addSession(rec: Omit<SessionRecord, 'line'>): void {
    this.insertItems('sessions', [formatSessionLine(rec)], 'bottom');
  }

  /** Sets `Last updated:`, adding the line under the title when the board has none. */
  setLastUpdated(now: Date): void {
    const stamp = formatIsoLocal(now);
    const firstSection = this.sections.length > 0 ? this.sections[0].heading : this.lines.length;
    for (let i = 0; i < firstSection; i++) {
      const u = UPDATED_RE.exec(stripCr(this.lines[i]));
      if (u) {
        this.lines[i] = this.eol(`${u[1]}${stamp}${u[3]}`);
        this.reparse();
        return;
      }
    }
    const titleAt = this.lines.findIndex((l) => /^#\s/.test(stripCr(l)));
    const at = titleAt >= 0 && titleAt < firstSection ? titleAt + 1 : 0;
    const insert = [this.eol(''), this.eol(`Last updated: ${stamp}`)];
    if (at === 0) insert.reverse();
    this.lines.splice(at, 0, ...insert);
    this.reparse();
  }
}

// ---------------------------------------------------------------- line formats

const CLAIM_HEAD_RE = /^(?<session>[^\s()—–]+)\s*(?:\((?<paren>[^)]*)\))?\s*(?:—|–|--)\s*(?<rest>.*)$/;

/** Session and path of a claim line without reading its times; undefined when it does not look like one. */
function quickClaimHead(body: string): { session: string; path: string } | undefined {
  // `session (started …) — path — …`: the path runs from the first separator to the next.
  const first = body.indexOf(' — ');
  if (first < 0 || /–|\s--\s/.test(body)) return slowClaimHead(body);
  const close = body.indexOf(')');
  if (close > first) return slowClaimHead(body);
  const space = body.search(/[\s(]/);
  const session = space < 0 ? body : body.slice(0, space);
  const next = body.indexOf(' — ', first + 3);
  return { session, path: body.slice(first + 3, next < 0 ? undefined : next).trim() };
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

function slowClaimHead(body: string): { session: string; path: string } | undefined {
  const m = CLAIM_HEAD_RE.exec(body);
  if (!m?.groups) return undefined;
  const rest = m.groups.rest;
  const cut = rest.search(/\s(?:—|–|--)\s/);
  return { session: m.groups.session, path: (cut < 0 ? rest : rest.slice(0, cut)).trim() };
}

function parseClaimBody(body: string, line: number, anchor: Date, now: Date, defaultTtlMs: number, problems: Problem[]): Claim | undefined {
  const m = CLAIM_HEAD_RE.exec(body);
  if (!m?.groups) {
    problems.push({ line, message: 'not a claim: expected "- session (started HH:MM) — path — eta HH:MM"' });
    return undefined;
  }
  const { session, paren, rest } = m.groups;
  // The tool writes " — "; splitting on the plain string first keeps the hook's cold start cheap.
  const fields = (/–|\s--\s/.test(rest) ? rest.split(SEP_RE) : rest.split('—')).map((f) => f.trim());
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
    else if (head.startsWith('pid') && (x = /^pid\s+(\d+)(?:@(\S+))?$/i.exec(f))) { pid = Number(x[1]); host = x[2]; }
    else if (head.startsWith('taken over from') && (x = /^taken over from\s+(\S+)$/i.exec(f))) forcedFrom = x[1];
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
    started = parseIso(startText) ?? (expires ? startBefore(startText, expires) : handWrittenStart(startText, anchor, now));
    if (!started) problems.push({ line, message: `bad start time "${paren}"` });
  }
  started ??= expires ? new Date(expires.getTime() - ttlMs) : anchor;

  let etaDate: Date | undefined;
  if (eta !== undefined && !/^(\?|unknown|none|-)$/i.test(eta.trim())) {
    etaDate = parseIso(eta) ?? firstClockAtOrAfter(eta, started) ?? durationAfter(eta, started);
    if (!etaDate) problems.push({ line, message: `bad eta "${eta}"` });
  }
  const leaseDerived = expires === undefined;
  expires ??= new Date((etaDate ?? started).getTime() + ttlMs);

  return {
    id, session, path, started, eta: etaDate, expires, leaseDerived, ttlMs, mode,
    reason: reason ?? (extras.length > 0 ? extras.join(SEP) : undefined),
    pid, host, forcedFrom, extras: extras.length > 0 ? extras : undefined, line,
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

/** True when the line carries its own `ttl` field (a settled hand-written line may need one added). */
export function lineHasTtl(body: string): boolean {
  return /(?:^|\s(?:—|–|--)\s)ttl\s+\S+\s*(?:$|\s(?:—|–|--)\s)/i.test(body);
}

function clock(text: string): [number, number] | undefined {
  const t = text.trim();
  const colon = t.indexOf(':');
  if (colon < 1 || colon > 2 || t.length !== colon + 3) return undefined;
  const h = Number(t.slice(0, colon));
  const m = Number(t.slice(colon + 1));
  return Number.isInteger(h) && Number.isInteger(m) && t[0] !== '-' && t[colon + 1] !== '-' && h <= 23 && m <= 59 ? [h, m] : undefined;
}

function clockOnDay(text: string, day: Date): Date | undefined {
  const c = clock(text);
  return c ? localTimesOn(day, c[0], c[1])[0] : undefined;
}

const DAY_AND_CLOCK_RE = /^(\d{4}-\d{2}-\d{2})\s+(\d{1,2}:\d{2})$/;

function dayAndClock(text: string): Date | undefined {
  const m = DAY_AND_CLOCK_RE.exec(text.trim());
  return m ? parseIso(`${m[1]}T${m[2].padStart(5, '0')}`) : undefined;
}

/** A tool-written start: the latest `19:15` not after the lease (it was written that way). */
function startBefore(text: string, ref: Date): Date | undefined {
  const c = clock(text);
  if (c) return clockAtOrBefore(c[0], c[1], ref);
  return dayAndClock(text);
}

/**
 * A hand-written start with no lease yet. Every write stamps a lease on the hand-written claims
 * it finds, so a line still without one was written after the board's `Last updated`: its
 * `00:05` is on that day or the next, the later one that is not in the future. Written just
 * after midnight while `Last updated` is still yesterday, it is today's, and live.
 */
function handWrittenStart(text: string, anchor: Date, now: Date): Date | undefined {
  const c = clock(text);
  if (!c) return dayAndClock(text);
  const candidates = [...localTimesOn(anchor, c[0], c[1]), ...localTimesOn(new Date(anchor.getFullYear(), anchor.getMonth(), anchor.getDate() + 1, 12), c[0], c[1])];
  let best: Date | undefined;
  for (const d of candidates) if (d.getTime() <= now.getTime()) best = d;
  return best ?? candidates[0];
}

function firstClockAtOrAfter(text: string, ref: Date): Date | undefined {
  const c = clock(text);
  return c ? clockAtOrAfter(c[0], c[1], ref) : dayAndClock(text);
}

function durationAfter(text: string, ref: Date): Date | undefined {
  try {
    const d = new Date(ref.getTime() + parseDuration(text));
    return Number.isNaN(d.getTime()) ? undefined : d;
  } catch {
    return undefined;
  }
}

const minute = (d: Date): number => Math.floor(d.getTime() / 60_000);

/**
 * A time on a claim line in the shortest form that reads back as the same minute: the seed's
 * `19:15` on the same day as `day`, else the day too, else (in the hour a clock goes back, when
 * `01:30` happens twice) ISO 8601 with its offset.
 */
function shortTime(d: Date, day: Date, readBack: (text: string) => Date | undefined): string {
  const forms = [`${formatDay(d)} ${formatClock(d)}`, formatIsoLocal(d)];
  if (sameLocalDay(d, day)) forms.unshift(formatClock(d));
  for (const f of forms) {
    const back = readBack(f);
    if (back && minute(back) === minute(d)) return f;
  }
  return formatIsoLocal(d);
}

export function formatClaimLine(c: ClaimLine): string {
  const started = shortTime(c.started, c.expires, (t) => parseIso(t) ?? startBefore(t, c.expires));
  // The ETA is read back from the start as it will be read (to the minute).
  const startedBack = parseIso(started) ?? startBefore(started, c.expires) ?? c.started;
  const parts = [`- ${c.session} (started ${started})`, c.path];
  parts.push(`eta ${c.eta ? shortTime(c.eta, c.started, (t) => parseIso(t) ?? firstClockAtOrAfter(t, startedBack)) : '?'}`);
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

const RELEASE_RE = /^(?<at>\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)\s*(?:—|–|--)\s*(?<session>\S+)\s*(?:—|–|--)\s*(?<rest>.+)$/;

function parseReleaseBody(body: string, line: number): Release | undefined {
  const m = RELEASE_RE.exec(body);
  if (!m?.groups) return undefined;
  const raw = m.groups.at.replace(/^(\d{4}-\d{2}-\d{2})[ T](\d):/, '$1T0$2:');
  const at = parseIso(raw);
  if (!at) return undefined;
  const [path, ...outcome] = m.groups.rest.split(SEP_RE);
  return { at, session: m.groups.session, path: path.trim(), outcome: outcome.length ? outcome.join(SEP).trim() : undefined, line };
}

export function formatReleaseLine(r: ReleaseLine): string {
  const parts = [`- ${formatDay(r.at)} ${formatClock(r.at)}`, r.session, r.path];
  if (r.outcome) parts.push(r.outcome);
  return parts.join(SEP);
}

const SESSION_RE = /^(?<name>[^\s()—–]+)\s*\((?:started\s+)?(?<started>[^)]*)\)\s*(?:(?:—|–|--)\s*(?<rest>.*))?$/;

function parseSessionBody(body: string, line: number): SessionRecord | undefined {
  const m = SESSION_RE.exec(body);
  if (!m?.groups) return undefined;
  const started = parseIso(m.groups.started.trim());
  if (!started) return undefined;
  const rec: SessionRecord = { name: m.groups.name, started, line };
  for (const f of (m.groups.rest ?? '').split(SEP_RE).map((x) => x.trim()).filter(Boolean)) {
    let x: RegExpExecArray | null;
    if ((x = /^repo:\s*(.*)$/i.exec(f))) rec.repo = x[1];
    else if ((x = /^task:\s*(.*)$/i.exec(f))) rec.task = x[1];
    else if ((x = /^claude\s+(\S+)$/i.exec(f))) rec.externalId = x[1];
    else if ((x = /^pid\s+(\d+)(?:@(\S+))?$/i.exec(f))) { rec.pid = Number(x[1]); rec.host = x[2]; }
    else if ((x = /^ended\s+(.+)$/i.exec(f))) rec.ended = parseIso(x[1]);
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
export function validateField(what: string, value: string): string | undefined {
  if (value.trim() === '') return `${what} is empty`;
  if (/[\r\n]/.test(value)) return `${what} may not contain a line break`;
  const long = validateLength(what, value);
  if (long) return long;
  if (value.includes('—') || /\s(?:–|--)\s/.test(value)) {
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
