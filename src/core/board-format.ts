/**
 * The coordination board as a document: a lossless parse of the seed's board, its sections,
 * and the edits the tool makes to it. Each line is read by the line grammar (`board-lines.ts`).
 *
 * The document keeps every line as written. Understood lines (claims, releases, pinned
 * notes, sessions) are parsed on the side; edits replace or insert whole lines and re-parse,
 * so anything a person wrote that the parser does not understand survives byte for byte.
 */
import type { Claim, PinnedNote, Problem, Release, SessionRecord } from './model';
import { readClaimPath } from './path-key';
import { DEFAULT_TTL_MS, formatIsoLocal, parseIso } from './duration';
import { must } from './errors';
import { decodeBoardRange } from './board-bytes';
import { formatClaimLine, formatReleaseLine, formatSessionLine, parseClaimBody, parseReleaseBody, parseSessionBody, quickClaimHead, type ClaimLine, type ReleaseLine } from './board-lines';

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
  while (i < text.length && (text.charAt(i) === ' ' || text.charAt(i) === '\t')) i++;
  let c = text.charAt(i);
  // `1. session-a — …`: a person numbering the claims still writes claims.
  if (ordered && c >= '0' && c <= '9') {
    while (i < text.length && text.charAt(i) >= '0' && text.charAt(i) <= '9') i++;
    c = text.charAt(i) === '.' || text.charAt(i) === ')' ? '-' : text.charAt(i);
  }
  if (c !== '-' && c !== '*' && c !== '+') return undefined;
  const after = text.charAt(i + 1);
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

/** A heading line and the section it opens (none for the title or another heading); undefined for any other line. */
function headingOf(text: string): { section: SectionName | undefined } | undefined {
  const h = text.startsWith('#') ? HEADING_RE.exec(text) : null;
  if (!h) return undefined;
  return { section: must(h[1], 'the #s of a heading').length >= 2 ? sectionOf(must(h[2], 'the title of a heading')) : undefined };
}

/** A claim line whose holder and path `keep` keeps, read in full only when its head passes. */
function kept(body: string, keep: (session: string, path: string) => boolean, parse: () => Claim | undefined): Claim | undefined {
  const head = quickClaimHead(body);
  const read = head ? readClaimPath(head.path) : undefined;
  if (head && read?.path !== undefined && !keep(head.session, read.path)) return undefined;
  const c = parse();
  return c && keep(c.session, c.path) ? c : undefined;
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

  // Read-only to callers: the lines are the truth, and these are rebuilt from them on every edit.
  private releaseList: Release[] = [];
  private noteList: PinnedNote[] = [];
  private sessionList: SessionRecord[] = [];
  private updatedAt?: Date;
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

  /** Releases in board order (newest first, as the tool writes them). */
  get releases(): readonly Release[] {
    return this.releaseList;
  }

  get notes(): readonly PinnedNote[] {
    return this.noteList;
  }

  get sessions(): readonly SessionRecord[] {
    return this.sessionList;
  }

  /** The board's `Last updated:` time, when it has a readable one. */
  get lastUpdated(): Date | undefined {
    return this.updatedAt;
  }

  /** Every claim on the board, in board order. */
  get claims(): readonly Claim[] {
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

  /** The claim entries' text and line, in board order, none of them read: for a caller that knows which lines it wrote. */
  claimEntries(): readonly { readonly body: string; readonly line: number }[] {
    return this.claimItems;
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
      const c = kept(item.body, keep, () => this.parseItem(item));
      if (c) out.push(c);
    }
    return out;
  }

  /**
   * `parse(text).claimsWhere(keep, mayKeep)` and the sessions, without building the document:
   * the hot read of a large board. Only the headings (lines starting with `#`) are found in the
   * whole text; the claims sections are read line by line except where `skip` (a sticky
   * expression, `skippedClaimLines`) consumes a run of lines `mayKeep` would drop anyway; the
   * releases and notes are not read. Other lines are read exactly as `reparse` reads them.
   */
  static claimsIn(
    text: string,
    opts: ParseOptions,
    keep: (session: string, path: string) => boolean,
    mayKeep: (body: string) => boolean,
    skip?: RegExp,
    bytes?: Uint8Array,
  ): { claims: Claim[]; sessions: SessionRecord[] } {
    const end = text.length;
    // With `bytes`, `text` is those bytes one character each (Latin-1: no decoding of the whole
    // board); each line read is decoded as the whole board would be. Newlines are the same bytes.
    const lineText = (from: number, to: number): string => (bytes ? decodeBoardRange(bytes, from, to) : text.slice(from, to));
    const lineEnd = (from: number): number => {
      const nl = text.indexOf('\n', from);
      return nl < 0 ? end : nl;
    };
    // Every heading (a `#` line that HEADING_RE reads as one) ends a section, as in `reparse`.
    const headings: number[] = [];
    const sectionAt = new Map<number, SectionName | undefined>();
    for (let i = text.startsWith('#') ? 0 : text.indexOf('\n#'); i >= 0; i = text.indexOf('\n#', i + 1)) {
      const start = i === 0 && text.startsWith('#') ? 0 : i + 1;
      const heading = headingOf(stripCr(lineText(start, lineEnd(start))));
      if (!heading) continue;
      headings.push(start);
      sectionAt.set(start, heading.section);
    }
    const items: { body: string; line: number }[] = [];
    const sessions: SessionRecord[] = [];
    let updatedAt: Date | undefined;
    // Line numbers are counted as the scan moves on (1-based line of `at`).
    let at = 0;
    let line = 1;
    const moveTo = (to: number): void => {
      for (let i = text.indexOf('\n', at); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) line++;
      at = to;
    };
    for (let h = -1; h < headings.length; h++) {
      const from = h < 0 ? 0 : must(headings[h], 'a heading');
      const to = headings[h + 1] ?? end;
      if (from >= to) continue;
      let section: SectionName | undefined;
      let first = from;
      if (h >= 0) {
        section = sectionAt.get(from);
        first = Math.min(lineEnd(from) + 1, to);
      }
      if (section === 'releases' || section === 'notes' || (section === undefined && updatedAt !== undefined)) continue;
      moveTo(first);
      while (at < to) {
        if (section === 'claims' && skip) {
          skip.lastIndex = at;
          if (skip.exec(text)) {
            moveTo(skip.lastIndex);
            continue;
          }
        }
        const next = lineEnd(at);
        const t = stripCr(lineText(at, next));
        if (section === undefined) {
          if (updatedAt === undefined && /^\s*last/i.test(t)) {
            const u = UPDATED_RE.exec(t);
            if (u) updatedAt = parseIso(must(u[2], 'the time of "Last updated:"'));
          }
        } else {
          const body = itemText(t, section === 'claims');
          if (body !== undefined) {
            if (section === 'claims') {
              if (mayKeep(body)) items.push({ body, line });
            } else {
              const rec = parseSessionBody(body, line);
              if (rec) sessions.push(rec);
            }
          }
        }
        moveTo(Math.min(next + 1, to));
      }
    }
    const ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
    const now = opts.now ?? new Date();
    const anchor = updatedAt ?? now;
    const claims: Claim[] = [];
    for (const item of items) {
      const c = kept(item.body, keep, () => parseClaimBody(item.body, item.line, anchor, now, ttlMs, []));
      if (c) claims.push(c);
    }
    return { claims, sessions };
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
    const text = [BOARD_TITLE, '', `Last updated: ${formatIsoLocal(now)}`, '', `## ${SECTION_TITLES.claims}`, '', `## ${SECTION_TITLES.releases}`, '', `## ${SECTION_TITLES.notes}`, ''].join('\n');
    return new BoardDocument(text, { ...opts, now });
  }

  serialize(): string {
    return this.lines.join('\n') + (this.finalNewline && this.lines.length > 0 ? '\n' : '');
  }

  /** The raw text of a 1-based line, without its line ending. */
  rawLine(line: number): string {
    return this.textAt(line - 1);
  }

  /** The text of a 0-based line without its line ending; empty past the end. */
  private textAt(i: number): string {
    return stripCr(this.lines[i] ?? '');
  }

  // ---------------------------------------------------------------- parsing

  private reparse(): void {
    this.claimItems = [];
    this.claimProblems = [];
    this.allClaims = undefined;
    this.releaseList = [];
    this.noteList = [];
    this.sessionList = [];
    this.otherProblems = [];
    this.sections = [];
    this.updatedAt = undefined;

    let current: SectionRange | undefined;
    const seen = new Set<SectionName>();
    for (let i = 0; i < this.lines.length; i++) {
      const text = this.textAt(i);
      const h = headingOf(text);
      if (h) {
        if (current) current.end = i;
        current = undefined;
        const name = h.section;
        if (name) {
          if (seen.has(name)) this.otherProblems.push({ line: i + 1, message: `second "${SECTION_TITLES[name]}" section; new entries go to the first one` });
          seen.add(name);
          current = { name, heading: i, end: this.lines.length };
          this.sections.push(current);
        }
        continue;
      }
      if (!current && /^\s*last/i.test(text)) {
        const u = UPDATED_RE.exec(text);
        if (u && this.updatedAt === undefined) {
          const stamp = must(u[2], 'the time of "Last updated:"');
          const d = parseIso(stamp);
          if (d) this.updatedAt = d;
          else this.otherProblems.push({ line: i + 1, message: `"Last updated:" is not an ISO 8601 time: ${stamp}` });
        }
      }
    }
    this.anchor = this.updatedAt ?? this.fallbackNow;

    for (const s of this.sections) {
      for (let i = s.heading + 1; i < s.end; i++) {
        const body = itemText(this.textAt(i), s.name === 'claims');
        if (body === undefined) continue;
        const line = i + 1;
        switch (s.name) {
          case 'claims':
            this.claimItems.push({ body, line });
            break;
          case 'releases': {
            const r = parseReleaseBody(body, line);
            if (r) this.releaseList.push(r);
            else this.otherProblems.push({ line, message: 'not a release: expected "- YYYY-MM-DD HH:MM — session — path"' });
            break;
          }
          case 'notes':
            this.noteList.push({ text: body, line });
            break;
          case 'sessions': {
            const rec = parseSessionBody(body, line);
            if (rec) this.sessionList.push(rec);
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
    return i < this.lines.length && this.textAt(i).trim() === '';
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
    for (let i = s.heading + 1; i < s.end; i++) if (itemText(this.textAt(i), s.name === 'claims') !== undefined) out.push(i);
    return out;
  }

  /** Inserts item lines at the top or bottom of a section's items, keeping blank-line spacing. */
  private insertItems(name: SectionName, texts: string[], where: 'top' | 'bottom'): void {
    if (texts.length === 0) return;
    const s = this.ensureSection(name);
    const items = this.itemIndexes(s);
    const fresh = texts.map((t) => this.eol(t));
    const first = items[0];
    const last = items[items.length - 1];
    if (first !== undefined && last !== undefined) {
      this.lines.splice(where === 'top' ? first : last + 1, 0, ...fresh);
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
    const texts = old.map((i) => this.textAt(i));
    this.removeLines(old.map((i) => i + 1));
    return texts;
  }

  addNote(text: string): void {
    this.insertItems('notes', [`- ${text}`], 'bottom');
  }

  addSession(rec: Omit<SessionRecord, 'line'>): void {
    this.addSessions([rec]);
  }

  /** Many notes with one re-parse (a view of the shared store is written whole). */
  addNotes(texts: string[]): void {
    this.insertItems(
      'notes',
      texts.map((t) => `- ${t}`),
      'bottom',
    );
  }

  addSessions(recs: Omit<SessionRecord, 'line'>[]): void {
    this.insertItems('sessions', recs.map(formatSessionLine), 'bottom');
  }

  /** Sets `Last updated:`, adding the line under the title when the board has none. */
  setLastUpdated(now: Date): void {
    const stamp = formatIsoLocal(now);
    const firstSection = this.sections[0]?.heading ?? this.lines.length;
    for (let i = 0; i < firstSection; i++) {
      const u = UPDATED_RE.exec(this.textAt(i));
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
