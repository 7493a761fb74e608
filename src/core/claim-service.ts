/**
 * What every adapter (CLI, hooks, VS Code) does to the board: claim, release, renew, check,
 * pinned notes, prune. One place decides what a conflict is and when a lease has ended, so
 * the adapters cannot disagree.
 */
import type { Claim, ClaimMode, PinnedNote, Problem, Release, SessionRecord, BoardEvent } from './model';
import { BoardDocument } from './board-format';
import { SEP } from './separator';
import { claimLineMayMeet, formatClaimLine, skippedClaimLines, formatSessionLine, lineHasTtl, type ClaimLine } from './board-lines';
import { validateField, validateLength, validateSessionName } from './fields';
import { BoardStore, type StoreOptions } from './board-store';
import { DEFAULT_TTL_MS, checkEta, checkLeaseLength, formatDuration, formatDurationExact, formatIsoLocal } from './duration';
import { InputError } from './errors';
import { claimCovers, claimMeets, isGlob, matchHead, mayTouch, normalizeKey, sameKey } from './overlap';
import { patternProblem } from './glob';
import { livenessHost, processAlive, sameLivenessHost } from './liveness';

export const DEFAULT_ETA_MS = 30 * 60_000;
/** How long an ended session's line stays on the board. */
export const ENDED_SESSION_KEPT_MS = 24 * 3_600_000;

export interface ServiceOptions extends StoreOptions {
  /** Receives what each write changed; announcements plug in here. Never awaited past a write. */
  onEvents?: (events: BoardEvent[]) => void | Promise<void>;
  /** This machine's liveness identity (livenessHost), to tell whether a recorded holder process can be checked here. */
  host?: string;
  /** Is this process alive? Injected by tests. */
  isProcessAlive?: (pid: number) => boolean;
}

export interface ClaimRequest {
  paths: string[];
  eta?: Date;
  ttlMs?: number;
  mode?: ClaimMode;
  reason?: string;
  force?: boolean;
  /** The process whose death frees the claim at once (a Claude Code session's pid). */
  pid?: number;
  /** Paths known to be files (nothing below them can conflict); others may be folders. */
  files?: readonly string[];
  host?: string;
}

export interface Conflict {
  /** The path that was asked for. */
  path: string;
  holder: Claim;
  /**
   * How the held claim meets the path asked for: the same key, a claim that covers it, a claim
   * inside it (a file in the folder asked for), or patterns that share some path.
   */
  relation: 'same' | 'covers' | 'inside' | 'overlaps';
}

/** One line saying what is held, naming the held path inside a folder asked for. */
export function describeHeld(k: Pick<Conflict, 'path' | 'holder' | 'relation'>): string {
  const h = k.holder;
  switch (k.relation) {
    case 'same':
      return `${k.path} is held by ${h.session}`;
    case 'covers':
      return `${k.path} is held by ${h.session} (claim: ${h.path})`;
    case 'inside':
      return `${h.path}, inside ${k.path}, is held by ${h.session}`;
    case 'overlaps':
      return `${k.path} overlaps ${h.path}, held by ${h.session}`;
  }
}

export function conflictRelation(asked: string, held: string): Conflict['relation'] {
  if (sameKey(asked, held)) return 'same';
  if (!isGlob(asked) && claimCovers(held, asked)) return 'covers';
  if (!isGlob(held) && claimCovers(asked, held)) return 'inside';
  return 'overlaps';
}

export interface ClaimResult {
  granted: Claim[];
  /** Paths the session already held: their lease and ETA were refreshed. */
  renewed: Claim[];
  conflicts: Conflict[];
  takenOver: Claim[];
}

export interface RenewResult {
  /** Claims whose lease was pushed to now + their lease length. */
  renewed: Claim[];
  /** Claims whose lease already ran past that: left as they were. */
  unchanged: Claim[];
}

/** The lease length a claim renews by: its own, else the default the tool wrote it with. */
export function leaseLength(c: Pick<Claim, 'ttlMs'>): number {
  return c.ttlMs ?? DEFAULT_TTL_MS;
}

export interface BoardView {
  boardPath: string;
  exists: boolean;
  lastUpdated?: Date;
  claims: Claim[];
  expired: Claim[];
  releases: Release[];
  notes: PinnedNote[];
  sessions: SessionRecord[];
  problems: Problem[];
}

export function newClaimId(): string {
  return Math.floor(Math.random() * 0x1000000)
    .toString(16)
    .padStart(6, '0');
}

/** A path or pattern a person or session gave: refused (exit 2) when blank, too long or past the pattern limits. */
export function validatePathArgument(p: string): void {
  const err = validateField('path', p) ?? (isGlob(p) ? patternProblem(p) : undefined);
  if (err) throw new InputError(isGlob(p) && !err.startsWith('path') ? `${err}: ${p.slice(0, 80)}` : err);
}

/** The keys `check` asks about: each path checked and normalised (the file board and the shared store alike). */
export function checkKeys(paths: string[]): string[] {
  return paths.map((p) => {
    validatePathArgument(p);
    return normalizeKey(p);
  });
}

export function validateSession(name: string): void {
  const err = validateSessionName(name);
  if (err) throw new InputError(err);
}

/** A claim request checked (exit 2 on bad input, before anything is read or written): its keys, mode and lease length. */
export function checkClaimRequest(session: string, req: ClaimRequest, defaultTtlMs: number): { paths: string[]; mode: ClaimMode; ttl: number } {
  validateSession(session);
  if (req.paths.length === 0) throw new InputError('claim needs at least one path');
  const paths: string[] = [];
  for (const p of req.paths) {
    validatePathArgument(p);
    const k = normalizeKey(p);
    if (!paths.some((q) => sameKey(q, k))) paths.push(k);
  }
  if (req.reason !== undefined) {
    const err = validateField('reason', req.reason);
    if (err) throw new InputError(err);
  }
  const ttl = req.ttlMs ?? defaultTtlMs;
  checkLeaseLength(ttl);
  return { paths, mode: req.mode ?? 'exclusive', ttl };
}

/** A claim found ended at `now` (its lease ran out, or its holder process is gone): its release and its event. */
export function endedClaim(c: Claim, now: Date): { release: Omit<Release, 'line'>; event: Extract<BoardEvent, { kind: 'expire' }> } {
  const gone = c.expires.getTime() > now.getTime();
  const at = gone ? now : c.expires;
  return {
    event: { kind: 'expire', session: c.session, path: c.path, claimId: c.id, expiredAt: at, why: gone ? 'holder-gone' : 'lease', leaseMs: leaseLength(c) },
    release: { at, session: c.session, path: c.path, outcome: gone ? 'expired — holder process gone' : `expired — no heartbeat for ${formatDuration(leaseLength(c))}` },
  };
}

/**
 * How a claim taken from its holder ends, on the board and in the shared store's history:
 * `taken over by <session>` (forced), `… (approved by @<person>)` (the person said yes).
 */
export function takenOverOutcome(to: string, approvedBy?: string): string {
  return approvedBy === undefined ? `taken over by ${to}` : `taken over by ${to} (approved by @${approvedBy})`;
}

export interface HandOverRequest {
  from: string;
  to: string;
  path: string;
  approvedBy: string;
  questionId?: string;
}

/** A hand-over as every store takes it: the person's username without `@`, the path as a key. */
/** A release's request as every store checks it: the session, and the keys named (or `all`). InputError for bad input. */
export function checkReleaseRequest(session: string, paths: string[] | 'all'): string[] | 'all' {
  validateSession(session);
  if (paths === 'all') return 'all';
  return paths.map((p) => {
    validatePathArgument(p);
    return normalizeKey(p);
  });
}

/**
 * Which of the session's claims (`mine`) a release of `wanted` ends: a claim on a key named, or
 * under a folder named; and the keys named that the session holds nothing under.
 */
export function releasedBy<C extends Claim>(mine: readonly C[], wanted: string[] | 'all'): { released: C[]; notHeld: string[] } {
  if (wanted === 'all') return { released: [...mine], notHeld: [] };
  const released: C[] = [];
  const notHeld: string[] = [];
  for (const p of wanted) {
    const hit = mine.filter((c) => sameKey(c.path, p) || claimCovers(p, c.path));
    if (hit.length === 0) notHeld.push(p);
    for (const h of hit) if (!released.includes(h)) released.push(h);
  }
  return { released, notHeld };
}

export function checkHandOver(req: HandOverRequest): { by: string; key: string } {
  validateSession(req.from);
  validateSession(req.to);
  validatePathArgument(req.path);
  const by = req.approvedBy.replace(/^@/, '');
  const err = validateField('reason', by);
  if (err || by === '' || /[\r\n]/.test(by)) throw new InputError(`approved by: ${err ?? 'a username is needed'}`);
  return { by, key: normalizeKey(req.path) };
}

/**
 * What a hand-over grants `to` once `from`'s claims on the path (`taken`) have ended and nobody
 * else holds it: `to`'s own claim renewed (`own`) or a new one, and its announcement. Undefined
 * for a repeat (`to` holds it and nothing was taken): nothing to write.
 */
export function handOverGrant(
  req: HandOverRequest,
  by: string,
  key: string,
  now: Date,
  ttlMs: number,
  taken: readonly Claim[],
  own: Claim | undefined,
): { claim: ClaimLine & { id: string }; event: BoardEvent } | undefined {
  if (own && taken.length === 0) return undefined;
  const claim = {
    id: own?.id ?? newClaimId(),
    session: req.to,
    path: key,
    started: own?.started ?? now,
    eta: new Date(now.getTime() + DEFAULT_ETA_MS),
    // A lease `to` already had runs on: a hand-over never shortens it.
    expires: new Date(now.getTime() + Math.max(ttlMs, own ? own.expires.getTime() - now.getTime() : 0)),
    ttlMs,
    mode: 'exclusive' as const,
    reason: own?.reason ?? `approved by @${by}`,
    pid: own?.pid,
    host: own?.host,
    forcedFrom: taken[0]?.session,
    extras: own?.extras,
  };
  const event: BoardEvent =
    taken.length > 0
      ? { kind: 'takeover', session: req.to, path: key, from: req.from, claimId: claim.id, approvedBy: by, questionId: req.questionId }
      : { kind: 'claim', session: req.to, path: key, eta: claim.eta, expires: claim.expires, mode: 'exclusive', reason: claim.reason, claimId: claim.id, ttlMs };
  return { claim, event };
}

/** A pinned note as it will be kept: one trimmed, non-empty line within the limits. */
export function checkNoteText(text: string): string {
  const t = text.trim();
  if (t === '' || /[\r\n]/.test(t)) throw new InputError('a pinned note is one non-empty line');
  const err = validateLength('pinned note', t);
  if (err) throw new InputError(err);
  return t;
}

export function checkSessionRecord(rec: Omit<SessionRecord, 'line'>): void {
  validateSession(rec.name);
  for (const [what, v] of [
    ['repo', rec.repo],
    ['task', rec.task],
  ] as const) {
    if (v !== undefined) {
      const err = validateField(what, v);
      if (err) throw new InputError(err);
    }
  }
}

export class ClaimService {
  readonly store: BoardStore;
  private readonly ttlMs: number;
  private readonly onEvents?: ServiceOptions['onEvents'];
  private readonly givenHost?: string;
  private readonly isProcessAlive: (pid: number) => boolean;
  private readonly now: () => Date;

  constructor(opts: ServiceOptions) {
    if (opts.ttlMs !== undefined) checkLeaseLength(opts.ttlMs);
    this.store = new BoardStore(opts);
    this.ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
    this.onEvents = opts.onEvents;
    this.givenHost = opts.host;
    this.isProcessAlive = opts.isProcessAlive ?? processAlive;
    this.now = opts.now ?? (() => new Date());
  }

  /** This machine's liveness identity, computed when a claim with a pid needs it (it hashes this boot's id). */
  private get host(): string {
    return this.givenHost ?? livenessHost();
  }

  get boardPath(): string {
    return this.store.boardPath;
  }

  /** A claim is live until its lease ends or, when its holder process is known here, that process is gone. */
  isLive(c: Claim, now: Date): boolean {
    if (c.expires.getTime() <= now.getTime()) return false;
    return !this.holderGone(c);
  }

  private holderGone(c: Claim): boolean {
    return c.pid !== undefined && sameLivenessHost(c.host, this.host) && !this.isProcessAlive(c.pid);
  }

  view(doc: BoardDocument, exists: boolean, now: Date): BoardView {
    const claims: Claim[] = [];
    const expired: Claim[] = [];
    for (const c of doc.claims) (this.isLive(c, now) ? claims : expired).push(c);
    return {
      boardPath: this.boardPath,
      exists,
      lastUpdated: exists ? doc.lastUpdated : undefined,
      claims,
      expired,
      releases: [...doc.releases],
      notes: [...doc.notes],
      sessions: [...doc.sessions],
      problems: doc.problems,
    };
  }

  status(): BoardView {
    const snap = this.store.read();
    return this.view(snap.doc, snap.exists, this.now());
  }

  /** Live claims of other sessions that stand in the way of `session` taking `paths`. */
  conflictsIn(claims: readonly Claim[], session: string | undefined, paths: string[], mode: ClaimMode = 'exclusive', files: readonly string[] = []): Conflict[] {
    const out: Conflict[] = [];
    for (const p of paths) {
      const file = files.some((f) => sameKey(f, p));
      for (const c of claims) {
        if (c.session === session) continue;
        if (mode === 'shared' && c.mode === 'shared') continue;
        if (claimMeets(c.path, p, file)) out.push({ path: p, holder: c, relation: conflictRelation(p, c.path) });
      }
    }
    return out;
  }

  /** Read-only: is each path free for this session (or for anyone, without a session)? */
  check(session: string | undefined, paths: string[], mode: ClaimMode = 'exclusive', opts: { files?: readonly string[] } = {}): Conflict[] {
    const keys = checkKeys(paths);
    return this.conflictsIn(this.near(keys, session).claims, session, keys, mode, opts.files);
  }

  /**
   * A read for the hot path (every hook call): the live claims that could touch these paths
   * and the session's own, the sessions, and nothing else read in full.
   */
  near(paths: string[], session?: string): { claims: Claim[]; sessions: SessionRecord[]; exists: boolean } {
    const { text, bytes, exists } = this.store.readForScan();
    const now = this.now();
    const heads = paths.map(matchHead);
    // The board's text is scanned, not parsed: at 10,000 claims building the document was most of a call.
    const found = BoardDocument.claimsIn(
      exists ? text : '',
      { now, ttlMs: this.store.ttlMs },
      mayTouch(paths, session),
      (body) => claimLineMayMeet(body, session, heads),
      skippedClaimLines(session, heads, bytes ? 'latin1' : 'text'),
      bytes,
    );
    return { claims: found.claims.filter((c) => this.isLive(c, now)), sessions: found.sessions, exists };
  }

  /**
   * The write every operation goes through: moves ended leases to releases, fixes the lease of
   * hand-written claims (before `Last updated` moves, which anchors their short times), then
   * applies the operation. Events are handed to `onEvents` after the board is written.
   */
  private async write<T>(op: (doc: BoardDocument, now: Date, events: BoardEvent[]) => T): Promise<T> {
    let events: BoardEvent[] = [];
    const result = await this.store.update((doc, now) => {
      events = [];
      this.settle(doc, now, events);
      return op(doc, now, events);
    });
    if (events.length > 0 && this.onEvents) await this.onEvents(events);
    return result;
  }

  private settle(doc: BoardDocument, now: Date, events: BoardEvent[]): void {
    const ended = doc.claims.filter((c) => !this.isLive(c, now));
    if (ended.length > 0) {
      doc.removeLines(ended.map((c) => c.line));
      doc.addReleases(
        ended.map((c) => {
          const { event, release } = endedClaim(c, now);
          events.push(event);
          return release;
        }),
      );
    }
    // Ended sessions are kept a day so a resumed session gets its name back, then dropped so
    // the Sessions section does not grow without end.
    const stale = doc.sessions.filter((x) => x.ended && now.getTime() - x.ended.getTime() > ENDED_SESSION_KEPT_MS);
    if (stale.length > 0) doc.removeLines(stale.map((x) => x.line));
    const derived = doc.claims.filter((x) => x.leaseDerived);
    // One re-parse for all of them: a board of thousands of hand-written claims stays linear.
    if (derived.length > 0) {
      doc.replaceLines(
        derived.map((c) => {
          // A hand-written claim keeps the lease length it was read with, wherever it is read next.
          const raw = doc.rawLine(c.line);
          const ttl = leaseLength(c) !== DEFAULT_TTL_MS && !lineHasTtl(raw) ? `${SEP}ttl ${formatDurationExact(leaseLength(c))}` : '';
          return [c.line, `${raw}${SEP}lease until ${formatIsoLocal(c.expires)}${ttl}`] as const;
        }),
      );
    }
  }

  async claim(session: string, req: ClaimRequest): Promise<ClaimResult> {
    const { paths, mode, ttl } = checkClaimRequest(session, req, this.ttlMs);
    return this.write((doc, now, events) => {
      if (req.eta) checkEta(req.eta, now);
      const result: ClaimResult = { granted: [], renewed: [], conflicts: [], takenOver: [] };
      const live = doc.claims;
      result.conflicts = this.conflictsIn(live, session, paths, mode, req.files);
      if (result.conflicts.length > 0 && !req.force) {
        events.length = 0;
        return result;
      }
      const eta = req.eta ?? new Date(now.getTime() + DEFAULT_ETA_MS);
      // The lease reaches an ETA the person gave: a claim is not lost before its stated end.
      // (The default ETA is a guess, not a promise: it does not lengthen a short lease.)
      const expires = new Date(Math.max(now.getTime() + ttl, req.eta?.getTime() ?? 0));
      const takenFrom = new Map<string, string>();
      if (result.conflicts.length > 0) {
        const holders = [...new Map(result.conflicts.map((c) => [c.holder.line, c.holder])).values()];
        for (const h of holders) takenFrom.set(h.path, h.session);
        doc.removeLines(holders.map((h) => h.line));
        doc.addReleases(holders.map((h) => ({ at: now, session: h.session, path: h.path, outcome: takenOverOutcome(session) })));
        result.takenOver = holders;
      }
      const fresh: ClaimLine[] = [];
      for (const p of paths) {
        const own = doc.claims.find((c) => c.session === session && sameKey(c.path, p));
        const forcedFrom = result.conflicts.find((c) => c.path === p)?.holder.session;
        const line: ClaimLine = {
          id: own?.id ?? newClaimId(),
          session,
          path: p,
          started: own?.started ?? now,
          eta,
          expires,
          ttlMs: ttl,
          mode,
          reason: req.reason ?? own?.reason,
          pid: req.pid ?? own?.pid,
          host: req.pid !== undefined ? (req.host ?? this.host) : own?.host,
          forcedFrom,
          extras: own?.extras,
        };
        if (own) {
          doc.replaceLine(own.line, formatClaimLine(line));
          result.renewed.push({ ...line, leaseDerived: false, line: own.line });
        } else {
          fresh.push(line);
        }
        if (forcedFrom) events.push({ kind: 'takeover', session, path: p, from: forcedFrom, claimId: line.id });
        else if (!own) events.push({ kind: 'claim', session, path: p, eta, expires, mode, reason: line.reason, claimId: line.id, ttlMs: ttl });
      }
      doc.addClaims(fresh);
      result.granted = doc.claims.filter((c) => c.session === session && fresh.some((f) => f.id === c.id));
      return result;
    });
  }

  /**
   * The person said yes to `to`'s question about `path`: `from`'s claims on it end as `taken over
   * by <to> (approved by @<person>)` and `to` holds the path, in one write. Safe to repeat: once
   * `to` holds it and `from` does not, nothing changes. `to` does not get the path while a third
   * session holds part of it (`holds: false`); `from`'s claims end all the same, as approved.
   */
  async handOver(req: HandOverRequest): Promise<{ holds: boolean; takenOver: Claim[]; granted?: Claim }> {
    const { by, key } = checkHandOver(req);
    return this.write((doc, now, events) => {
      const live = doc.claims;
      const fromClaims = this.conflictsIn(
        live.filter((c) => c.session === req.from),
        req.to,
        [key],
      ).map((c) => c.holder);
      const taken = [...new Map(fromClaims.map((c) => [c.line, c])).values()];
      if (taken.length > 0) {
        doc.removeLines(taken.map((c) => c.line));
        doc.addReleases(taken.map((c) => ({ at: now, session: c.session, path: c.path, outcome: takenOverOutcome(req.to, by) })));
      }
      const others = this.conflictsIn(
        doc.claims.filter((c) => c.session !== req.from),
        req.to,
        [key],
      );
      const own = doc.claims.find((c) => c.session === req.to && sameKey(c.path, key));
      if (others.length > 0) return { holds: false, takenOver: taken };
      const grant = handOverGrant(req, by, key, now, this.ttlMs, taken, own);
      if (!grant) return { holds: true, takenOver: taken, granted: own };
      if (own) doc.replaceLine(own.line, formatClaimLine(grant.claim));
      else doc.addClaims([grant.claim]);
      events.push(grant.event);
      const granted = doc.claims.find((c) => c.session === req.to && sameKey(c.path, key));
      return { holds: true, takenOver: taken, granted };
    });
  }

  /** Releases the session's claims on these paths (exact keys, or claims a pattern covers), or all of them. */
  async release(session: string, paths: string[] | 'all', outcome = 'done'): Promise<{ released: Claim[]; notHeld: string[] }> {
    const wanted = checkReleaseRequest(session, paths);
    return this.write((doc, now, events) => {
      const { released, notHeld } = releasedBy(
        doc.claims.filter((c) => c.session === session),
        wanted,
      );
      if (released.length === 0) return { released, notHeld };
      doc.removeLines(released.map((c) => c.line));
      doc.addReleases(released.map((c) => ({ at: now, session, path: c.path, outcome })));
      for (const c of released) events.push({ kind: 'release', session, path: c.path, claimId: c.id });
      return { released, notHeld };
    });
  }

  /**
   * Heartbeat: pushes every live claim of the session to now + its own lease length, or to
   * now + `ttlMs` when given (which then becomes the claim's lease length). A lease that already
   * runs longer is left as it is and reported as unchanged.
   */
  async renew(session: string, ttlMs?: number): Promise<RenewResult> {
    validateSession(session);
    if (ttlMs !== undefined) checkLeaseLength(ttlMs);
    return this.write((doc, now) => {
      const result: RenewResult = { renewed: [], unchanged: [] };
      for (const c of doc.claims.filter((x) => x.session === session)) {
        const ttl = ttlMs ?? leaseLength(c);
        const until = now.getTime() + ttl;
        if (until <= c.expires.getTime()) {
          result.unchanged.push(c);
          continue;
        }
        const expires = new Date(until);
        doc.replaceLine(c.line, formatClaimLine({ ...c, expires, ttlMs: ttl }));
        result.renewed.push({ ...c, expires, ttlMs: ttl });
      }
      return result;
    });
  }

  async addNote(text: string): Promise<void> {
    const t = checkNoteText(text);
    await this.write((doc) => doc.addNote(t));
  }

  /** Removes the n-th pinned note (1-based, as `status` numbers them). */
  async removeNote(n: number): Promise<PinnedNote> {
    // Checked under the lock, on the board as it is then: a throw leaves the board unwritten.
    return this.write((doc) => {
      const note = Number.isInteger(n) && n >= 1 ? doc.notes[n - 1] : undefined;
      if (!note) throw new InputError(`no pinned note ${n}: the board has ${doc.notes.length}`);
      doc.removeLines([note.line]);
      return note;
    });
  }

  /** Moves ended claims to releases now (every write does this too); returns what expired. */
  async prune(): Promise<Extract<BoardEvent, { kind: 'expire' }>[]> {
    return this.write((_doc, _now, events) => events.filter((e): e is Extract<BoardEvent, { kind: 'expire' }> => e.kind === 'expire'));
  }

  // ---------------------------------------------------------------- sessions

  /**
   * The session is over: releases everything it holds and marks its session line ended, in one
   * write (a Claude SessionEnd hook has about 1.5 s), announced as one `end`, not per path.
   * `externalId` limits the marking to that Claude session when the name was reused.
   */
  async endSession(name: string, externalId?: string): Promise<Claim[]> {
    validateSession(name);
    return this.write((doc, now, events) => {
      for (const rec of doc.sessions.filter((x) => x.name === name && !x.ended && (!externalId || !x.externalId || x.externalId === externalId))) {
        doc.replaceLine(rec.line, formatSessionLine({ ...rec, ended: now }));
      }
      const mine = doc.claims.filter((c) => c.session === name);
      if (mine.length > 0) {
        doc.removeLines(mine.map((c) => c.line));
        doc.addReleases(mine.map((c) => ({ at: now, session: name, path: c.path, outcome: 'done' })));
      }
      events.push({ kind: 'end', session: name, paths: mine.map((c) => c.path) });
      return mine;
    });
  }

  async registerSession(rec: Omit<SessionRecord, 'line'>): Promise<void> {
    validateSession(rec.name);
    await this.registerSessionChosen(() => rec);
  }

  /**
   * Registers a session whose name (and record) `choose` picks from the board as it is under
   * the lock, in the same write: sessions started at the same moment never pick the same free
   * name. `choose` may run more than once and must only read what it is given.
   */
  async registerSessionChosen<T extends Omit<SessionRecord, 'line'>>(choose: (view: { sessions: SessionRecord[]; claims: Claim[] }, now: Date) => T): Promise<T> {
    return this.write((doc, now, events) => {
      const rec = choose({ sessions: [...doc.sessions], claims: doc.claims.filter((c) => this.isLive(c, now)) }, now);
      checkSessionRecord(rec);
      const old = doc.sessions.find((s) => s.name === rec.name);
      if (old) doc.removeLines([old.line]);
      doc.addSession(rec);
      events.push({ kind: 'start', session: rec.name, repo: rec.repo, task: rec.task });
      return rec;
    });
  }
}

export { InputError };
