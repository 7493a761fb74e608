/**
 * The markdown board as this machine's live view of the shared store: rewritten from the
 * database after every change claimboard makes or hears of, in the board's own format, so a
 * person or a session reading `coordination.md` sees the shared truth. What a person adds to it
 * by hand in the board's form (a claim line, a pinned note) is found here by comparing the file
 * with what claimboard last wrote into it, and shared; anything else they wrote stays as written.
 */
import * as fs from 'node:fs';
import type { Claim, PinnedNote, Problem, Release, SessionRecord } from './model';
import { BoardDocument } from './board-format';
import { ENDED_SESSION_KEPT_MS } from './claim-service';
import { matchKey, sameKey } from './overlap';
import { formatIsoLocal } from './duration';
import { formatClaimLine } from './board-lines';

/** The header line that marks a board file as a view (claimboard rewrites it): its start. */
export const VIEW_MARK = '> This board is a view of ';

export function viewMarkLine(where: string): string {
  return `${VIEW_MARK}${where}, rewritten by claimboard after every change. Claim lines and pinned notes added here in the board's form are shared; other lines stay as written.`;
}

/** The mark while the store cannot be reached: the view is the last one known, and says since when. */
export function staleMarkLine(where: string, since: Date): string {
  return `${VIEW_MARK}${where}. STALE: the store has not answered since ${formatIsoLocal(since)}; this is the last known view, rewritten when it answers.`;
}

/** The view's text with its mark replaced (undefined when the text is not a view or already says so). */
export function withViewMark(text: string, mark: string): string | undefined {
  if (!isSharedView(text)) return undefined;
  const out = withMark(text, mark);
  return out === text ? undefined : out;
}

/** Whether the board text is a view of a shared store (it carries the mark above its sections). */
export function isSharedView(text: string): boolean {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.startsWith('## ')) return false;
    if (line.startsWith(VIEW_MARK)) return true;
  }
  return false;
}

/** What the view shows: the shared store's board as one transaction read it. */
export interface SharedBoardState {
  where: string;
  /** The database's clock when it was read: what `Last updated:` says. */
  at: Date;
  claims: Claim[];
  /** Newest first. */
  releases: Release[];
  notes: PinnedNote[];
  sessions: SessionRecord[];
}

/** What was last written into the view: the claims and notes a person did not add. */
export interface WrittenView {
  claims: readonly Pick<Claim, 'id' | 'session' | 'path'>[];
  notes: readonly Pick<PinnedNote, 'text'>[];
}

/** Claims known by id, or by holder and key: one look-up each, so a view of 10,000 claims stays linear. */
class ClaimSet {
  private readonly ids = new Set<string>();
  private readonly heads = new Set<string>();
  constructor(claims: Iterable<Pick<Claim, 'id' | 'session' | 'path'>>) {
    for (const c of claims) {
      if (c.id !== undefined) this.ids.add(c.id);
      this.heads.add(ClaimSet.head(c));
    }
  }
  private static head(c: Pick<Claim, 'session' | 'path'>): string {
    return `${c.session}\n${matchKey(c.path)}`;
  }
  has(c: Pick<Claim, 'id' | 'session' | 'path'>): boolean {
    return (c.id !== undefined && this.ids.has(c.id)) || this.heads.has(ClaimSet.head(c));
  }
}

/**
 * The claim lines and pinned notes of a view that claimboard did not write there: a person (or a
 * session's file tools) added them. A board file that is not a view yet has none: its claims are
 * the file board's, copied by `store import`, not taken silently.
 */
export function handWritten(text: string, written: WrittenView, now: Date, ttlMs?: number): { claims: Claim[]; notes: PinnedNote[] } {
  if (!isSharedView(text)) return { claims: [], notes: [] };
  const doc = BoardDocument.parse(text, { now, ttlMs });
  const known = new Set(written.notes.map((n) => n.text));
  const ours = new ClaimSet(written.claims);
  return {
    claims: doc.claims.filter((c) => !ours.has(c)),
    notes: doc.notes.filter((n) => !known.has(n.text)),
  };
}

/**
 * The view's new text. From the file as it is now (`existing`, a view), it drops the claim lines
 * and notes claimboard wrote (`written`) or that the store now holds, and every release and
 * session line (the store's history and sessions), then writes the store's; a hand-written line
 * the store did not take stays where the person put it. Everything else in the file is kept.
 *
 * `uneditedFrom`: the file is exactly what claimboard last wrote, from these claims (in that
 * order), with no hand-written claim line left in it. Then only the claim lines that changed
 * are written (`changedClaimLines`): a write's cost follows what it changed, not the board's
 * size, and the text is the same as the whole render's.
 */
export function renderSharedView(existing: string | undefined, state: SharedBoardState, written: WrittenView, uneditedFrom?: readonly Claim[], counts?: RenderCounts): string {
  const view = existing !== undefined && isSharedView(existing);
  const doc = view ? BoardDocument.parse(existing, { now: state.at }) : BoardDocument.create(state.at);
  const claimsDone = view && uneditedFrom !== undefined && changedClaimLines(doc, uneditedFrom, state.claims, counts);
  if (counts && !claimsDone) counts.claimLines += state.claims.length;
  const ours = claimsDone ? undefined : new ClaimSet([...written.claims, ...state.claims]);
  const noteTexts = new Set([...written.notes, ...state.notes].map((n) => n.text));
  const drop = [
    ...(ours ? doc.claims.filter((c) => ours.has(c)).map((c) => c.line) : []),
    ...doc.notes.filter((n) => noteTexts.has(n.text)).map((n) => n.line),
    ...doc.releases.map((r) => r.line),
    ...doc.sessions.map((s) => s.line),
  ];
  doc.removeLines(drop);
  if (!claimsDone) doc.addClaims(state.claims.map(viewClaimLine));
  doc.addReleases(state.releases.map(({ line: _line, ...r }) => r));
  doc.addNotes(state.notes.map((n) => n.text));
  doc.addSessions(state.sessions.filter((s) => !s.ended || state.at.getTime() - s.ended.getTime() <= ENDED_SESSION_KEPT_MS).map(({ line: _line, ...rec }) => rec));
  doc.setLastUpdated(state.at);
  return withMark(doc.serialize(), viewMarkLine(state.where));
}

function viewClaimLine({ line: _line, leaseDerived: _derived, ...c }: Claim): Omit<Claim, 'line' | 'leaseDerived'> {
  return c;
}

/**
 * Brings the claim lines of a view claimboard wrote from `before` to `after` in place: a claim
 * gone loses its line, a claim that changed gets its line written again where it is, new claims
 * go below the others; an unchanged claim's line is neither read nor written. False (nothing
 * done) when that would not give the whole render's text: the lines are not `before`'s, one
 * for one and in order, or the new claims do not all come after the kept ones in `after`'s
 * order (the store's order: fencing number), or either side is empty (the section's spacing).
 */
/** How many claim lines a render wrote (the rest were kept as they were): the benchmarks' and tests' handle. */
export interface RenderCounts {
  claimLines: number;
}

function changedClaimLines(doc: BoardDocument, before: readonly Claim[], after: readonly Claim[], counts?: RenderCounts): boolean {
  const entries = doc.claimEntries();
  if (before.length === 0 || after.length === 0 || entries.length !== before.length) return false;
  const afterById = new Map<string, Claim>();
  for (const c of after) if (c.id !== undefined) afterById.set(c.id, c);
  if (afterById.size !== after.length) return false;
  const beforeIds = new Set<string>();
  const replaced: [number, string][] = [];
  const removed: number[] = [];
  const order: string[] = [];
  for (let i = 0; i < before.length; i++) {
    const b = before[i];
    const entry = entries[i];
    if (!b?.id || !entry || !entry.body.endsWith(`id ${b.id}`) || beforeIds.has(b.id)) return false;
    beforeIds.add(b.id);
    const a = afterById.get(b.id);
    if (!a) removed.push(entry.line);
    else {
      order.push(b.id);
      if (!sameClaimAs(a, b)) replaced.push([entry.line, formatViewClaim(a)]);
    }
  }
  const added = after.filter((c) => !beforeIds.has(c.id as string));
  order.push(...added.map((c) => c.id as string));
  if (order.length !== after.length || order.some((id, i) => after[i]?.id !== id)) return false;
  if (replaced.length > 0) doc.replaceLines(replaced);
  if (removed.length > 0) doc.removeLines(removed);
  if (added.length > 0) doc.addClaims(added.map(viewClaimLine));
  if (counts) counts.claimLines += replaced.length + added.length;
  return true;
}

/**
 * Every field alike (a time by its instant, a list item by item; a field left out is one that
 * is undefined), whatever the fields are: the claim's line would be written the same.
 */
function sameClaimAs(a: Claim, b: Claim): boolean {
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
    if (k === 'line' || k === 'leaseDerived') continue;
    const u = x[k];
    const v = y[k];
    if (u === v) continue;
    if (u instanceof Date && v instanceof Date && u.getTime() === v.getTime()) continue;
    if (Array.isArray(u) && Array.isArray(v) && u.length === v.length && u.every((e, i) => e === v[i])) continue;
    return false;
  }
  return true;
}

function formatViewClaim(c: Claim): string {
  return formatClaimLine(viewClaimLine(c));
}

/** Puts the mark under `Last updated:` (or replaces the one there), before the first section. */
function withMark(text: string, mark: string): string {
  const lines = text.split('\n');
  let updated = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    if (line.startsWith('## ')) break;
    if (line.startsWith(VIEW_MARK)) {
      lines[i] = mark;
      return lines.join('\n');
    }
    if (updated < 0 && /^\s*Last updated:/i.test(line)) updated = i;
  }
  lines.splice(updated + 1, 0, '', mark);
  return lines.join('\n');
}

/**
 * What a person wrote in the view that is not shared, by its line there: the claim lines the
 * store did not take, and lines in the sections that are not entries of the board's form.
 */
export function notSharedProblems(text: string, refused: readonly { claim: Pick<Claim, 'session' | 'path'>; why: string }[], now: Date): Problem[] {
  const doc = BoardDocument.parse(text, { now });
  const out: Problem[] = doc.problems.map((p) => ({ line: p.line, message: `not shared: ${p.message}` }));
  for (const r of refused) {
    const at = doc.claims.find((c) => c.session === r.claim.session && sameKey(c.path, r.claim.path));
    if (at) out.push({ line: at.line, message: `not shared: ${r.why}` });
  }
  return out.sort((a, b) => a.line - b.line);
}

/** The view file's text, or undefined when there is none (or it cannot be read). */
export function readViewText(boardPath: string): string | undefined {
  try {
    return fs.readFileSync(boardPath, 'utf8');
  } catch {
    return undefined;
  }
}
