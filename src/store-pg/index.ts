/**
 * Claims shared through PostgreSQL: the same ClaimStore as the board file, with the same rules
 * (the core's functions decide conflicts, leases and expiries), decided inside one transaction
 * per operation, serialized per board by an advisory transaction lock, on the database's clock.
 * Every grant takes a number from one sequence (a fencing number that only grows); releases,
 * expiries and takeovers are history rows. The events of a write go to `onEvents` once, after
 * its commit, from the process that made it: an expiry is recorded (and so announced) once, by
 * whichever machine's write found it first.
 */
import * as path from 'node:path';
import pg from 'pg';
import type { Claim, ClaimMode, PinnedNote, SessionRecord, BoardEvent, Release } from '../core/model';
import {
  ClaimService,
  DEFAULT_ETA_MS,
  ENDED_SESSION_KEPT_MS,
  checkClaimRequest,
  checkKeys,
  checkHandOver,
  checkNoteText,
  checkReleaseRequest,
  checkSessionRecord,
  describeHeld,
  endedClaim,
  handOverGrant,
  newClaimId,
  releasedBy,
  takenOverOutcome,
  validatePathArgument,
  validateSession,
  type BoardView,
  type ClaimRequest,
  type ClaimResult,
  type Conflict,
  type RenewResult,
  type ServiceOptions,
} from '../core/claim-service';
import {
  describeStore,
  maskStoreText,
  readLastSharedView,
  StoreUnavailableError,
  viewDigest,
  writeSharedView,
  type RefusedLine,
  type ClaimStore,
  type HandOverRequest,
  type HandOverResult,
  type ExpireEvent,
  type LapsedClaim,
  type StoreChoice,
} from '../core/claim-store';
import { InputError } from '../core/errors';
import { DEFAULT_TTL_MS, checkEta, checkLeaseLength } from '../core/duration';
import { matchHead, normalizeKey, sameKey } from '../core/overlap';
import { livenessHost } from '../core/liveness';
import { MIGRATIONS, SCHEMA_VERSION } from './schema';
import { handWritten, readViewText, type SharedBoardState } from '../core/shared-view';
import { DEFAULT_RELEASES_SHOWN } from '../core/board-store';
import { rememberScramKeysIn } from './pg-crypto';
import {
  CLAIM_COLUMNS,
  LAPSED_READ,
  LIVE_READ,
  liveReadValues,
  SESSION_COLUMNS,
  checkFromRow,
  fromJson,
  lapsedFromRow,
  liveFromRow,
  toClaim,
  toSession,
  type AsJson,
  type ClaimRow,
  type HotRow,
  type LapsedRow,
  type LiveRow,
  type SessionRow,
  type SharedClaim,
} from './reads';

export { SCHEMA_VERSION } from './schema';

type PgChoice = Extract<StoreChoice, { kind: 'postgres' }>;

type Refused = RefusedLine;

/** How long connecting may take before the store is reported unreachable. */
const CONNECT_TIMEOUT_MS = 5_000;
/** Advisory locks are held for one short transaction: a longer wait is a stuck peer. */
const DEFAULT_LOCK_WAIT_MS = 30_000;

/** Where SCRAM keys are remembered: beside the config file the store was chosen by, private as it is. */
export function scramKeysPath(choice: PgChoice): string | undefined {
  return choice.configPath === undefined ? undefined : path.join(path.dirname(choice.configPath), 'store-scram-keys.json');
}

export function openPgStore(choice: PgChoice, opts: ServiceOptions): PgClaimStore {
  return new PgClaimStore(choice, opts);
}

interface Tx {
  q<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
}

export class PgClaimStore implements ClaimStore {
  readonly boardPath: string;
  readonly where: string;
  readonly board: string;
  /** The core's rules (liveness, conflicts) with this machine's host and process checks. */
  private readonly rules: ClaimService;
  private readonly ttlMs: number;
  private readonly onEvents?: ServiceOptions['onEvents'];
  private readonly lockWaitMs: number;
  private readonly givenHost: string | undefined;
  private client: Promise<pg.Client> | undefined;
  private listener: pg.Client | undefined;

  constructor(
    private readonly choice: PgChoice,
    opts: ServiceOptions,
  ) {
    if (opts.ttlMs !== undefined) checkLeaseLength(opts.ttlMs);
    this.boardPath = opts.boardPath;
    this.board = choice.board;
    this.where = describeStore(choice, opts.boardPath);
    this.rules = new ClaimService(opts);
    this.ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
    this.onEvents = opts.onEvents;
    this.lockWaitMs = opts.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
    this.givenHost = opts.host;
  }

  /** This machine's liveness identity, for a claim that names its process: a digest, so only worked out by a claim. */
  private get host(): string {
    return this.givenHost ?? livenessHost();
  }

  // ------------------------------------------------------------ connection

  /** Every message that leaves the store names it and never shows its password. */
  unavailable(e: unknown, doing = 'reach'): StoreUnavailableError {
    if (e instanceof StoreUnavailableError) return e;
    const msg = e instanceof Error ? e.message || (e as NodeJS.ErrnoException).code || e.name : String(e);
    return new StoreUnavailableError(maskStoreText(`cannot ${doing} ${this.where}: ${msg.split('\n')[0]}`, this.choice.url));
  }

  private connect(): Promise<pg.Client> {
    this.client ??= (async () => {
      rememberScramKeysIn(scramKeysPath(this.choice));
      // The lock wait limit goes with the start-up message: a read then needs no statement to set it.
      const c = new pg.Client({
        connectionString: this.choice.url,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        application_name: 'claimboard',
        lock_timeout: Math.max(1, Math.round(this.lockWaitMs)),
      });
      // A connection the server dropped (restart, kill) is reported by the next query; this keeps
      // the process from dying of an unhandled 'error' event meanwhile.
      c.on('error', () => {
        this.client = undefined;
      });
      try {
        await c.connect();
      } catch (e) {
        this.client = undefined;
        await c.end().catch(() => undefined);
        throw this.unavailable(e);
      }
      return c;
    })();
    return this.client;
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    const l = this.listener;
    this.listener = undefined;
    await Promise.allSettled([c?.then((x) => x.end()), l?.end()]);
  }

  private async schemaCheck(c: pg.Client): Promise<void> {
    let version: number | undefined;
    try {
      const r = await c.query<{ version: number }>('select version from claimboard_schema');
      version = r.rows[0]?.version;
    } catch (e) {
      if ((e as { code?: string }).code !== '42P01') throw e; // undefined_table
    }
    this.checkVersion(version);
  }

  private checkVersion(version: number | undefined): void {
    if (version === undefined) throw new StoreUnavailableError(maskStoreText(`${this.where} has no claimboard tables: run \`claimboard store init\``, this.choice.url));
    if (version > SCHEMA_VERSION)
      throw new StoreUnavailableError(maskStoreText(`${this.where} has schema version ${version}, newer than this claimboard knows (${SCHEMA_VERSION}): upgrade claimboard`, this.choice.url));
    if (version < SCHEMA_VERSION)
      throw new StoreUnavailableError(maskStoreText(`${this.where} has schema version ${version}: run \`claimboard store init\` to migrate it to ${SCHEMA_VERSION}`, this.choice.url));
  }

  private schemaChecked = false;

  /**
   * One transaction: serialized with every other write to this board (advisory lock), `now` is
   * the database's clock. A failure anywhere rolls it back whole: nothing half-written.
   */
  private async tx<T>(fn: (t: Tx, now: Date) => Promise<T>, opts: { write: boolean }): Promise<T> {
    const c = await this.connect();
    let now: Date;
    try {
      if (!this.schemaChecked) {
        await this.schemaCheck(c);
        this.schemaChecked = true;
      }
      // One round trip: the transaction, its lock wait limit, the board's lock (writes) and the
      // database's clock, read after the lock (now() would be the transaction's start, before the wait).
      const results = (await c.query(
        `begin; select set_config('lock_timeout', '${Math.max(1, Math.round(this.lockWaitMs))}', true)${opts.write ? `, pg_advisory_xact_lock(hashtext('claimboard'), hashtext('${this.board}'))` : ''}, clock_timestamp() as now`,
      )) as unknown as pg.QueryResult<{ now: Date }>[];
      now = results[1]!.rows[0]!.now;
    } catch (e) {
      if (e instanceof StoreUnavailableError) throw e;
      if ((e as { code?: string }).code === '55P03') {
        await c.query('rollback').catch(() => this.dropClient(c));
        throw this.unavailable(new Error(`the board is busy (lock wait over ${Math.round(this.lockWaitMs / 1000)} s)`), 'write to');
      }
      this.dropClient(c);
      throw this.unavailable(e);
    }
    const t: Tx = { q: async (text, values) => (await c.query(text, values)).rows };
    try {
      const out = await fn(t, now);
      await c.query('commit');
      return out;
    } catch (e) {
      await c.query('rollback').catch(() => this.dropClient(c));
      if (e instanceof InputError || e instanceof StoreUnavailableError) throw e;
      if (e instanceof Error && !('code' in e) && !/connect|terminat|ECONN|socket|closed/i.test(e.message)) throw e;
      this.dropClient(c);
      throw this.unavailable(e, opts.write ? 'write to' : 'read');
    }
  }

  private dropClient(c: pg.Client): void {
    if (this.client) this.client = undefined;
    void c.end().catch(() => undefined);
  }

  private async write<T>(op: (t: Tx, now: Date, events: BoardEvent[], live: SharedClaim[]) => Promise<T>): Promise<T> {
    let events: BoardEvent[] = [];
    let seen: SharedBoardState | undefined;
    let refused: Refused[] = [];
    const out = await this.tx(
      async (t, now) => {
        events = [];
        const live = await this.settle(t, now, events);
        const taken = await this.takeHandWritten(t, now, events, live);
        refused = taken.refused;
        const r = await op(t, now, events, live);
        if (events.length > 0 || taken.notes > 0) await t.q('select pg_notify($1, $2)', [NOTIFY_CHANNEL, this.board]);
        seen = await this.snapshot(t, now);
        return r;
      },
      { write: true },
    );
    if (seen) await writeSharedView(this.boardPath, seen, refused);
    if (events.length > 0 && this.onEvents) await this.onEvents(events);
    return out;
  }

  /**
   * The claim lines and pinned notes a person added to this machine's view by hand become the
   * shared store's, in the write that finds them, with the same rules as `claim` and `note`: a
   * line that cannot be taken stays in the view and is reported by its line there.
   */
  private async takeHandWritten(t: Tx, now: Date, events: BoardEvent[], live: SharedClaim[]): Promise<{ refused: Refused[]; notes: number }> {
    const text = readViewText(this.boardPath);
    if (text === undefined) return { refused: [], notes: 0 };
    const last = readLastSharedView(this.boardPath);
    // Nobody edited the view since it was written, but lines refused then are tried again.
    if (last?.written === viewDigest(text) && !last.refused?.length) return { refused: [], notes: 0 };
    const hand = handWritten(text, { claims: last?.claims ?? [], notes: last?.notes ?? [] }, now, this.ttlMs);
    const refused: Refused[] = [];
    for (const c of hand.claims) {
      let key: string;
      try {
        validateSession(c.session);
        validatePathArgument(c.path);
        key = normalizeKey(c.path);
      } catch (e) {
        refused.push({ claim: c, why: (e as Error).message });
        continue;
      }
      if (live.some((x) => x.session === c.session && sameKey(x.path, key))) continue;
      const conflict = this.rules.conflictsIn(live, c.session, [key], c.mode)[0];
      if (conflict) {
        refused.push({ claim: c, why: `${describeHeld(conflict)}${conflict.holder.eta ? ` (eta ${conflict.holder.eta.toISOString()})` : ''}` });
        continue;
      }
      // A lease the person did not write starts when the line is shared, as a claim's would.
      const ttl = c.ttlMs ?? this.ttlMs;
      const expires = c.leaseDerived ? new Date(now.getTime() + ttl) : c.expires;
      if (expires.getTime() <= now.getTime()) {
        refused.push({ claim: c, why: `its lease ended at ${expires.toISOString()}` });
        continue;
      }
      const eta = c.eta ?? new Date(now.getTime() + DEFAULT_ETA_MS);
      const granted = await this.insertClaim(t, { ...c, id: newClaimId(), path: key, started: c.started.getTime() > now.getTime() ? now : c.started, eta, expires, ttlMs: ttl });
      live.push(granted);
      events.push({ kind: 'claim', session: c.session, path: key, eta, expires, mode: c.mode, reason: c.reason, claimId: granted.id, ttlMs: ttl });
    }
    let notes = 0;
    for (const n of hand.notes) {
      let text: string;
      try {
        text = checkNoteText(n.text);
      } catch {
        continue; // the line stays in the view as the person wrote it
      }
      await t.q('insert into claimboard_notes (board, text, created) values ($1, $2, $3)', [this.board, text, now]);
      notes++;
    }
    return { refused, notes };
  }

  /** The board as this write left it, for the view (read in the same transaction). */
  private async snapshot(t: Tx, now: Date): Promise<SharedBoardState> {
    const claims = (await this.claims(t)).filter((c) => this.rules.isLive(c, now));
    return { where: this.where, at: now, claims, releases: await this.releases(t), notes: (await this.notes(t)).map(({ text, line }) => ({ text, line })), sessions: await this.sessions(t) };
  }

  /** The board's latest releases, expiries and takeovers, newest first. */
  private async releases(t: Tx, limit = DEFAULT_RELEASES_SHOWN): Promise<Release[]> {
    return (
      await t.q<{ at: Date; session: string; path: string; outcome: string }>('select at, session, path, outcome from claimboard_history where board = $1 order by seq desc limit $2', [
        this.board,
        limit,
      ])
    ).map((r): Release => ({ at: r.at, session: r.session, path: r.path, outcome: r.outcome, line: 0 }));
  }

  // ------------------------------------------------------------ reads

  /**
   * The board's claims in fencing order, as one JSON value: a board of 10,000 claims is read by
   * the JSON parser and `Date`, not as 10,000 rows whose times pg-types parses one by one.
   */
  private async claims(t: Tx): Promise<SharedClaim[]> {
    const rows = await t.q<{ claims: AsJson<ClaimRow>[] }>(`select coalesce(json_agg(c order by c.fence), '[]') as claims from (select ${CLAIM_COLUMNS} from claimboard_claims where board = $1) c`, [
      this.board,
    ]);
    return (rows[0]?.claims ?? []).map(fromJson);
  }

  private async sessions(t: Tx): Promise<SessionRecord[]> {
    const rows = await t.q<SessionRow>(`select ${SESSION_COLUMNS} from claimboard_sessions where board = $1 order by started, name`, [this.board]);
    return rows.map(toSession);
  }

  private async notes(t: Tx): Promise<(PinnedNote & { seq: number })[]> {
    const rows = await t.q<{ seq: string; text: string }>('select seq, text from claimboard_notes where board = $1 order by seq', [this.board]);
    return rows.map((r) => ({ text: r.text, line: 0, seq: Number(r.seq) }));
  }

  async status(): Promise<BoardView> {
    // Lines a person added to the view are shared first, so status shows them (or why not).
    if (this.viewHasHandWritten()) await this.write(async () => undefined);
    let seen: SharedBoardState | undefined;
    const view = await this.tx(
      async (t, now) => {
        const all = await this.claims(t);
        const claims: Claim[] = [];
        const expired: Claim[] = [];
        for (const c of all) (this.rules.isLive(c, now) ? claims : expired).push(c);
        const newestFirst = await this.releases(t, 200);
        const last = (await t.q<{ at: Date | null }>('select max(at) as at from claimboard_history where board = $1', [this.board]))[0]?.at ?? undefined;
        const view: BoardView = {
          boardPath: this.boardPath,
          exists: true,
          lastUpdated: last ?? undefined,
          claims,
          expired,
          releases: [...newestFirst].reverse(),
          notes: (await this.notes(t)).map(({ text, line }) => ({ text, line })),
          sessions: await this.sessions(t),
          problems: [],
        };
        seen = { where: this.where, at: now, claims, releases: newestFirst.slice(0, DEFAULT_RELEASES_SHOWN), notes: view.notes, sessions: view.sessions };
        return view;
      },
      // Under the board's lock: the view is written in the order the store's changes were made.
      { write: true },
    );
    if (seen) await writeSharedView(this.boardPath, seen);
    view.problems = readLastSharedView(this.boardPath)?.problems ?? [];
    return view;
  }

  /** Whether this machine's view holds claim lines or notes a person added (a cheap file read). */
  private viewHasHandWritten(): boolean {
    const text = readViewText(this.boardPath);
    if (text === undefined) return false;
    const last = readLastSharedView(this.boardPath);
    if (last?.written === viewDigest(text)) return false;
    const hand = handWritten(text, { claims: last?.claims ?? [], notes: last?.notes ?? [] }, new Date(), this.ttlMs);
    const refused = new Set((last?.problems ?? []).map((p) => p.line));
    // Lines already refused wait for the next change: status alone does not retry them.
    return hand.notes.length > 0 || hand.claims.some((c) => !refused.has(c.line));
  }

  async near(paths: string[], session?: string): Promise<{ claims: Claim[]; sessions: SessionRecord[]; exists: boolean }> {
    return liveFromRow(this.rules, await this.readRow<LiveRow>(LIVE_READ, liveReadValues(this.board, paths, session)), paths, session);
  }

  /**
   * One statement's one row, the schema's version in it (`version`): a statement that fails
   * before the schema was seen is explained by the schema check (no tables, an older schema).
   * The hot reads (check, the edit guard, the git guard's fencing check) are such statements:
   * one round trip and one snapshot without begin/commit.
   */
  private async readRow<R extends HotRow>(text: string, values: unknown[]): Promise<R> {
    const c = await this.connect();
    let row: R | undefined;
    try {
      row = (await c.query<R>(text, values)).rows[0];
    } catch (e) {
      // The server answered with an error: the connection is still good for the schema check.
      if (e instanceof pg.DatabaseError) {
        if (!this.schemaChecked) await this.schemaCheck(c).catch((schema: unknown) => Promise.reject(this.unavailable(schema)));
      } else this.dropClient(c);
      throw this.unavailable(e, 'read');
    }
    if (!row) throw this.unavailable(new Error('the read returned no row'), 'read');
    this.checkVersion(row.version ?? undefined);
    this.schemaChecked = true;
    return row;
  }

  async check(session: string | undefined, paths: string[], mode: ClaimMode = 'exclusive', opts: { files?: readonly string[] } = {}): Promise<Conflict[]> {
    const keys = checkKeys(paths);
    return checkFromRow(this.rules, await this.readRow<LiveRow>(LIVE_READ, liveReadValues(this.board, keys, session)), session, keys, mode, opts.files);
  }

  /** The git guard's fencing check, in one statement (reads.ts says how a claim counts as lapsed). */
  async lapsed(session: string, keys: string[]): Promise<LapsedClaim[]> {
    validateSession(session);
    return lapsedFromRow(this.rules, await this.readRow<LapsedRow>(LAPSED_READ, [this.board, session]), keys);
  }

  // ------------------------------------------------------------ writes

  /** Ended leases become history rows; ended sessions kept a day, then dropped (as the file board does). */
  private async settle(t: Tx, now: Date, events: BoardEvent[]): Promise<SharedClaim[]> {
    const all = await this.claims(t);
    const ended = all.filter((c) => !this.rules.isLive(c, now));
    for (const c of ended) {
      const { release, event } = endedClaim(c, now);
      await this.toHistory(t, c, release.at, release.outcome ?? 'expired', 'expire');
      events.push(event);
    }
    await t.q('delete from claimboard_sessions where board = $1 and ended is not null and ended < $2', [this.board, new Date(now.getTime() - ENDED_SESSION_KEPT_MS)]);
    return all.filter((c) => !ended.includes(c));
  }

  private async toHistory(t: Tx, c: SharedClaim, at: Date, outcome: string, kind: 'release' | 'expire' | 'takeover'): Promise<void> {
    await t.q('delete from claimboard_claims where board = $1 and id = $2', [this.board, c.id]);
    await t.q('insert into claimboard_history (board, at, session, path, claim_id, fence, kind, outcome) values ($1, $2, $3, $4, $5, $6, $7, $8)', [
      this.board,
      at,
      c.session,
      c.path,
      c.id,
      c.fence,
      kind,
      outcome,
    ]);
  }

  private async insertClaim(t: Tx, c: Omit<SharedClaim, 'fence' | 'line' | 'leaseDerived'> & { id: string }): Promise<SharedClaim> {
    const rows = await t.q<ClaimRow>(
      `insert into claimboard_claims (board, id, session, path, started, eta, expires, ttl_ms, mode, reason, pid, host, forced_from, extras, head, fence)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, nextval('claimboard_fence')) returning ${CLAIM_COLUMNS}`,
      [
        this.board,
        c.id,
        c.session,
        c.path,
        c.started,
        c.eta ?? null,
        c.expires,
        c.ttlMs ?? null,
        c.mode,
        c.reason ?? null,
        c.pid ?? null,
        c.host ?? null,
        c.forcedFrom ?? null,
        c.extras ?? null,
        // What LIVE_READ selects by: the core's head of the path, never computed in SQL.
        matchHead(c.path),
      ],
    );
    return toClaim(rows[0]!);
  }

  async claim(session: string, req: ClaimRequest): Promise<ClaimResult> {
    const { paths, mode, ttl } = checkClaimRequest(session, req, this.ttlMs);
    return this.write(async (t, now, events, live) => {
      if (req.eta) checkEta(req.eta, now);
      const result: ClaimResult = { granted: [], renewed: [], conflicts: [], takenOver: [] };
      result.conflicts = this.rules.conflictsIn(live, session, paths, mode, req.files);
      if (result.conflicts.length > 0 && !req.force) {
        events.length = 0;
        return result;
      }
      const eta = req.eta ?? new Date(now.getTime() + DEFAULT_ETA_MS);
      const expires = new Date(Math.max(now.getTime() + ttl, req.eta?.getTime() ?? 0));
      const holders = [...new Map(result.conflicts.map((c) => [c.holder.id, c.holder as SharedClaim])).values()];
      for (const h of holders) await this.toHistory(t, h, now, takenOverOutcome(session), 'takeover');
      result.takenOver = holders;
      const ids = new Set(live.map((c) => c.id));
      for (const p of paths) {
        const own = live.find((c) => c.session === session && sameKey(c.path, p) && !holders.includes(c));
        const forcedFrom = result.conflicts.find((c) => c.path === p)?.holder.session;
        const host = req.pid !== undefined ? (req.host ?? this.host) : own?.host;
        if (own) {
          // The session's own claim: lease and ETA refreshed, the same grant (and fencing number).
          await t.q('update claimboard_claims set eta = $3, expires = $4, ttl_ms = $5, mode = $6, reason = $7, pid = $8, host = $9 where board = $1 and id = $2', [
            this.board,
            own.id,
            eta,
            expires,
            ttl,
            mode,
            req.reason ?? own.reason ?? null,
            req.pid ?? own.pid ?? null,
            host ?? null,
          ]);
          result.renewed.push({ ...own, eta, expires, ttlMs: ttl, mode, reason: req.reason ?? own.reason, pid: req.pid ?? own.pid, host });
        } else {
          let id = newClaimId();
          while (ids.has(id)) id = newClaimId();
          ids.add(id);
          const granted = await this.insertClaim(t, { id, session, path: p, started: now, eta, expires, ttlMs: ttl, mode, reason: req.reason, pid: req.pid, host, forcedFrom });
          result.granted.push(granted);
          if (!forcedFrom) events.push({ kind: 'claim', session, path: p, eta, expires, mode, reason: req.reason, claimId: id, ttlMs: ttl });
        }
        if (forcedFrom) events.push({ kind: 'takeover', session, path: p, from: forcedFrom, claimId: own?.id ?? result.granted[result.granted.length - 1]?.id });
      }
      return result;
    });
  }

  /** As the board file's `ClaimService.handOver`: one transaction, safe to repeat. */
  async handOver(req: HandOverRequest): Promise<HandOverResult> {
    const { by, key } = checkHandOver(req);
    return this.write(async (t, now, events, live) => {
      const hits = this.rules.conflictsIn(
        live.filter((c) => c.session === req.from),
        req.to,
        [key],
      );
      const taken = [...new Map(hits.map((c) => [c.holder.id, c.holder as SharedClaim])).values()];
      for (const h of taken) await this.toHistory(t, h, now, takenOverOutcome(req.to, by), 'takeover');
      const rest = live.filter((c) => !taken.includes(c));
      if (
        this.rules.conflictsIn(
          rest.filter((c) => c.session !== req.from),
          req.to,
          [key],
        ).length > 0
      )
        return { holds: false, takenOver: taken };
      const own = rest.find((c) => c.session === req.to && sameKey(c.path, key));
      const grant = handOverGrant(req, by, key, now, this.ttlMs, taken, own);
      if (!grant) return { holds: true, takenOver: taken, granted: own };
      const { claim } = grant;
      let granted: SharedClaim;
      if (own) {
        // `to` already had a claim on the path: the same grant (and fencing number), renewed by the hand-over.
        await t.q('update claimboard_claims set eta = $3, expires = $4, ttl_ms = $5, mode = $6, reason = $7, forced_from = $8 where board = $1 and id = $2', [
          this.board,
          own.id,
          claim.eta,
          claim.expires,
          claim.ttlMs,
          claim.mode,
          claim.reason ?? null,
          claim.forcedFrom ?? null,
        ]);
        granted = { ...own, ...claim };
      } else granted = await this.insertClaim(t, claim);
      events.push(grant.event);
      return { holds: true, takenOver: taken, granted };
    });
  }

  async release(session: string, paths: string[] | 'all', outcome = 'done'): Promise<{ released: Claim[]; notHeld: string[] }> {
    const wanted = checkReleaseRequest(session, paths);
    return this.write(async (t, now, events, live) => {
      const { released, notHeld } = releasedBy(
        live.filter((c) => c.session === session),
        wanted,
      );
      for (const c of released) {
        await this.toHistory(t, c, now, outcome, 'release');
        events.push({ kind: 'release', session, path: c.path, claimId: c.id });
      }
      return { released, notHeld };
    });
  }

  async renew(session: string, ttlMs?: number): Promise<RenewResult> {
    validateSession(session);
    if (ttlMs !== undefined) checkLeaseLength(ttlMs);
    return this.write(async (t, now, _events, live) => {
      const result: RenewResult = { renewed: [], unchanged: [] };
      for (const c of live.filter((x) => x.session === session)) {
        const ttl = ttlMs ?? c.ttlMs ?? DEFAULT_TTL_MS;
        const until = now.getTime() + ttl;
        if (until <= c.expires.getTime()) {
          result.unchanged.push(c);
          continue;
        }
        const expires = new Date(until);
        await t.q('update claimboard_claims set expires = $3, ttl_ms = $4 where board = $1 and id = $2', [this.board, c.id, expires, ttl]);
        result.renewed.push({ ...c, expires, ttlMs: ttl });
      }
      return result;
    });
  }

  async addNote(text: string): Promise<void> {
    const t0 = checkNoteText(text);
    await this.write(async (t, now, events) => {
      await t.q('insert into claimboard_notes (board, text, created) values ($1, $2, $3)', [this.board, t0, now]);
      // Not announced (as on the file board), but other machines' views must hear of it.
      void events;
      await t.q('select pg_notify($1, $2)', [NOTIFY_CHANNEL, this.board]);
    });
  }

  async removeNote(n: number): Promise<PinnedNote> {
    return this.write(async (t) => {
      const notes = await this.notes(t);
      const note = Number.isInteger(n) && n >= 1 ? notes[n - 1] : undefined;
      if (!note) throw new InputError(`no pinned note ${n}: the board has ${notes.length}`);
      await t.q('delete from claimboard_notes where board = $1 and seq = $2', [this.board, note.seq]);
      await t.q('select pg_notify($1, $2)', [NOTIFY_CHANNEL, this.board]);
      return { text: note.text, line: 0 };
    });
  }

  async prune(): Promise<ExpireEvent[]> {
    return this.write(async (_t, _now, events) => events.filter((e): e is ExpireEvent => e.kind === 'expire'));
  }

  async endSession(name: string, externalId?: string): Promise<Claim[]> {
    validateSession(name);
    return this.write(async (t, now, events, live) => {
      await t.q(
        `update claimboard_sessions set ended = $3 where board = $1 and name = $2 and ended is null
                 and ($4::text is null or external_id is null or external_id = $4)`,
        [this.board, name, now, externalId ?? null],
      );
      const mine = live.filter((c) => c.session === name);
      for (const c of mine) await this.toHistory(t, c, now, 'done', 'release');
      events.push({ kind: 'end', session: name, paths: mine.map((c) => c.path) });
      return mine;
    });
  }

  async registerSession(rec: Omit<SessionRecord, 'line'>): Promise<void> {
    validateSession(rec.name);
    await this.registerSessionChosen(() => rec);
  }

  async registerSessionChosen<T extends Omit<SessionRecord, 'line'>>(choose: (view: { sessions: SessionRecord[]; claims: Claim[] }, now: Date) => T): Promise<T> {
    return this.write(async (t, now, events, live) => {
      const rec = choose({ sessions: await this.sessions(t), claims: live }, now);
      checkSessionRecord(rec);
      await t.q(
        `insert into claimboard_sessions (board, name, external_id, started, pid, host, repo, task, ended) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 on conflict (board, name) do update set external_id = excluded.external_id, started = excluded.started, pid = excluded.pid,
                 host = excluded.host, repo = excluded.repo, task = excluded.task, ended = excluded.ended`,
        [this.board, rec.name, rec.externalId ?? null, rec.started, rec.pid ?? null, rec.host ?? null, rec.repo ?? null, rec.task ?? null, rec.ended ?? null],
      );
      events.push({ kind: 'start', session: rec.name, repo: rec.repo, task: rec.task });
      return rec;
    });
  }

  // ------------------------------------------------------------ live changes

  /**
   * Resolves on the next change to this board a process commits (LISTEN/NOTIFY), or after
   * `timeoutMs`. A change heard while nobody waited (a watcher rewriting its view) resolves the
   * next call at once; changes heard meanwhile count as one: one rewrite per burst, none missed.
   */
  async changed(timeoutMs: number): Promise<'changed' | 'timeout'> {
    await this.listen();
    if (this.heard) {
      this.heard = false;
      return 'changed';
    }
    return new Promise<'changed' | 'timeout'>((resolve) => {
      const waiter = (): void => {
        clearTimeout(timer);
        resolve('changed');
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve('timeout');
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** A change to this board heard since the last `changed()` returned, with nobody waiting. */
  private heard = false;
  private readonly waiters = new Set<() => void>();

  private hear(m: pg.Notification): void {
    if (m.payload !== this.board) return;
    if (this.waiters.size === 0) {
      this.heard = true;
      return;
    }
    const woken = [...this.waiters];
    this.waiters.clear();
    for (const w of woken) w();
  }

  /** One long-lived connection that hears every commit to the database's boards. */
  async listen(): Promise<pg.Client> {
    if (this.listener) return this.listener;
    rememberScramKeysIn(scramKeysPath(this.choice));
    const l = new pg.Client({ connectionString: this.choice.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: 'claimboard-listen' });
    l.on('error', () => {
      if (this.listener === l) this.listener = undefined;
    });
    l.on('notification', (m) => this.hear(m));
    try {
      await l.connect();
      await l.query(`listen ${NOTIFY_CHANNEL}`);
    } catch (e) {
      await l.end().catch(() => undefined);
      throw this.unavailable(e);
    }
    this.listener = l;
    return l;
  }

  // ------------------------------------------------------------ administration

  /** Creates or migrates the schema, one version at a time, each in its own transaction. Idempotent. */
  async init(): Promise<{ from: number; to: number }> {
    const c = await this.connect();
    try {
      await c.query('begin');
      // One migrator at a time, whichever machine runs init.
      await c.query('select pg_advisory_xact_lock(hashtext($1))', ['claimboard-schema']);
      await c.query('create table if not exists claimboard_schema (version integer not null)');
      const r = await c.query<{ version: number }>('select version from claimboard_schema');
      const from = r.rows[0]?.version ?? 0;
      if (r.rows.length === 0) await c.query('insert into claimboard_schema (version) values (0)');
      if (from > SCHEMA_VERSION) throw new StoreUnavailableError(`${this.where} has schema version ${from}, newer than this claimboard knows (${SCHEMA_VERSION}): upgrade claimboard`);
      for (let v = from + 1; v <= SCHEMA_VERSION; v++) {
        for (const stmt of MIGRATIONS[v - 1]!) await c.query(stmt);
      }
      await c.query('update claimboard_schema set version = $1', [Math.max(from, SCHEMA_VERSION)]);
      await c.query('commit');
      this.schemaChecked = true;
      return { from, to: Math.max(from, SCHEMA_VERSION) };
    } catch (e) {
      await c.query('rollback').catch(() => undefined);
      throw this.unavailable(e, 'initialise');
    }
  }

  /** What `store status` says: does the database answer, its schema, this board's counts. */
  async describe(): Promise<{ version: number | undefined; claims: number; sessions: number; history: number; serverTime: Date }> {
    const c = await this.connect();
    try {
      const now = (await c.query<{ now: Date }>('select now() as now')).rows[0]!.now;
      let version: number | undefined;
      try {
        version = (await c.query<{ version: number }>('select version from claimboard_schema')).rows[0]?.version;
      } catch (e) {
        if ((e as { code?: string }).code !== '42P01') throw e;
        return { version: undefined, claims: 0, sessions: 0, history: 0, serverTime: now };
      }
      const count = async (table: string): Promise<number> => Number((await c.query<{ n: string }>(`select count(*) as n from ${table} where board = $1`, [this.board])).rows[0]!.n);
      return { version, claims: await count('claimboard_claims'), sessions: await count('claimboard_sessions'), history: await count('claimboard_history'), serverTime: now };
    } catch (e) {
      throw this.unavailable(e);
    }
  }

  /**
   * Copies a file board's live claims, releases, pinned notes and sessions into this board, in
   * one transaction. A claim that conflicts with one already shared is not copied: it is
   * reported with its line number. Claims keep their ids and leases.
   */
  async importBoard(view: BoardView): Promise<{ claims: number; releases: number; notes: number; sessions: number; skipped: { line: number; why: string }[] }> {
    return this.write(async (t, _now, events, live) => {
      const out = { claims: 0, releases: 0, notes: 0, sessions: 0, skipped: [] as { line: number; why: string }[] };
      const ids = new Set(live.map((c) => c.id));
      for (const c of view.claims) {
        const conflicts = this.rules.conflictsIn(live, c.session, [c.path], c.mode);
        if (conflicts.length > 0) {
          out.skipped.push({ line: c.line, why: `${c.path} (${c.session}) conflicts with ${conflicts[0]!.holder.path} held by ${conflicts[0]!.holder.session}` });
          continue;
        }
        if (live.some((x) => x.session === c.session && sameKey(x.path, c.path))) continue; // already imported
        let id = c.id && !ids.has(c.id) ? c.id : newClaimId();
        while (ids.has(id)) id = newClaimId();
        ids.add(id);
        live.push(await this.insertClaim(t, { ...c, id }));
        out.claims++;
      }
      for (const r of view.releases) {
        await t.q('insert into claimboard_history (board, at, session, path, kind, outcome) values ($1, $2, $3, $4, $5, $6)', [this.board, r.at, r.session, r.path, 'release', r.outcome ?? 'done']);
        out.releases++;
      }
      const notes = new Set((await this.notes(t)).map((n) => n.text));
      for (const n of view.notes) {
        if (notes.has(n.text)) continue;
        await t.q('insert into claimboard_notes (board, text, created) values ($1, $2, now())', [this.board, n.text]);
        out.notes++;
      }
      for (const s of view.sessions) {
        await t.q(
          `insert into claimboard_sessions (board, name, external_id, started, pid, host, repo, task, ended) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                   on conflict (board, name) do nothing`,
          [this.board, s.name, s.externalId ?? null, s.started, s.pid ?? null, s.host ?? null, s.repo ?? null, s.task ?? null, s.ended ?? null],
        );
        out.sessions++;
      }
      events.length = 0;
      await t.q('select pg_notify($1, $2)', [NOTIFY_CHANNEL, this.board]);
      return out;
    });
  }
}

/** The one NOTIFY channel: its payload is the board name. */
export const NOTIFY_CHANNEL = 'claimboard_changed';

export { runHolder, HolderRunningError, HOLDER_IDLE_MS } from './holder';
export type { SharedClaim } from './reads';
