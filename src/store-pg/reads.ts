/**
 * The shared store's rows as the core's claims, and its two hot reads (check and the edit
 * guard's live claims; the git guard's lapsed claims): each one statement returning one row,
 * and what the store makes of that row. No `pg` here: the CLI reads the same rows through the
 * store holder (src/cli/store.ts, holder-client.ts) without loading the database client, and the same
 * functions decide on them, so a read through the holder and a direct one cannot differ.
 */
import type { Claim, ClaimMode, SessionRecord } from '../core/model';
import { endedClaim, type ClaimService, type Conflict } from '../core/claim-service';
import type { LapsedClaim } from '../core/claim-store';
import { claimCovers, matchHead, mayTouch } from '../core/overlap';

export interface ClaimRow {
  id: string;
  session: string;
  path: string;
  started: Date;
  eta: Date | null;
  expires: Date;
  ttl_ms: string | number | null;
  mode: string;
  reason: string | null;
  pid: number | null;
  host: string | null;
  forced_from: string | null;
  extras: string[] | null;
  fence: string | number;
}

/** A claim as the core knows it, with the fencing number its grant took. */
export type SharedClaim = Claim & { fence: number };

export function toClaim(r: ClaimRow): SharedClaim {
  return {
    id: r.id,
    session: r.session,
    path: r.path,
    started: r.started,
    eta: r.eta ?? undefined,
    expires: r.expires,
    leaseDerived: false,
    ttlMs: r.ttl_ms === null ? undefined : Number(r.ttl_ms),
    mode: r.mode === 'shared' ? 'shared' : 'exclusive',
    reason: r.reason ?? undefined,
    pid: r.pid ?? undefined,
    host: r.host ?? undefined,
    forcedFrom: r.forced_from ?? undefined,
    extras: r.extras ?? undefined,
    line: 0,
    fence: Number(r.fence),
  };
}

export const CLAIM_COLUMNS = 'id, session, path, started, eta, expires, ttl_ms, mode, reason, pid, host, forced_from, extras, fence';

export interface SessionRow {
  name: string;
  external_id: string | null;
  started: Date;
  pid: number | null;
  host: string | null;
  repo: string | null;
  task: string | null;
  ended: Date | null;
}

export const SESSION_COLUMNS = 'name, external_id, started, pid, host, repo, task, ended';

export function toSession(r: SessionRow): SessionRecord {
  return {
    name: r.name,
    externalId: r.external_id ?? undefined,
    started: r.started,
    pid: r.pid ?? undefined,
    host: r.host ?? undefined,
    repo: r.repo ?? undefined,
    task: r.task ?? undefined,
    ended: r.ended ?? undefined,
    line: 0,
  };
}

/** A row as JSON carries its times as text (and its bigints as numbers: `ClaimRow` takes both). */
export type AsJson<R> = { [K in keyof R]: R[K] extends Date ? string : R[K] extends Date | null ? string | null : R[K] };

export interface LiveRow {
  version: number | null;
  now: string;
  claims: AsJson<ClaimRow>[];
  sessions: AsJson<SessionRow>[];
}

/**
 * The schema's version, the database's clock, the board's unexpired claims that could touch the
 * asked paths and the session's own, and its sessions, in one row. The clock is read once (the
 * `with`), so the filter and the caller's `now` agree.
 *
 * Which claims: those of session `$2`, and those whose head (`head`, the core's `matchHead` of
 * the claim's path, written with it) and one of the asked paths' heads (`$3`, the same function)
 * are one a prefix of the other: the core's `mayTouch`, applied again to what comes back
 * (liveFromRow), then the conflict rule. A claim with no head (written before schema 2) is always
 * read. Without this, every hook call carried every live claim (3 MB at 10,000 claims).
 */
export const LIVE_READ = `with t as (select clock_timestamp() as now)
select (select version from claimboard_schema limit 1) as version, t.now::text as now,
  (select coalesce(json_agg(c order by c.fence), '[]') from (select ${CLAIM_COLUMNS} from claimboard_claims
    where board = $1 and expires > t.now
      and (session = $2 or head is null or exists (select 1 from unnest($3::text[]) as k(h) where starts_with(k.h, head) or starts_with(head, k.h)))) c) as claims,
  (select coalesce(json_agg(s order by s.started, s.name), '[]') from (select ${SESSION_COLUMNS} from claimboard_sessions where board = $1) s) as sessions
from t`;

/** LIVE_READ's values: the board, the asking session (or none) and the asked paths' heads. */
export function liveReadValues(board: string, paths: readonly string[], session: string | undefined): unknown[] {
  return [board, session ?? null, paths.map(matchHead)];
}

/** A claim row read as JSON, with its times as dates again. */
export function fromJson(r: AsJson<ClaimRow>): SharedClaim {
  return toClaim({ ...r, started: new Date(r.started), eta: r.eta === null ? null : new Date(r.eta), expires: new Date(r.expires) });
}

export interface LapsedRow {
  version: number | null;
  now: string;
  claims: AsJson<ClaimRow>[];
  /** Newest first. */
  history: { at: string; path: string; kind: string; fence: string | number | null }[];
}

/** The session's claims (ended ones too: not recorded yet) and its latest history, at the database's clock. */
export const LAPSED_READ = `with t as (select clock_timestamp() as now)
select (select version from claimboard_schema limit 1) as version, t.now::text as now,
  (select coalesce(json_agg(c order by c.fence), '[]') from (select ${CLAIM_COLUMNS} from claimboard_claims where board = $1 and session = $2) c) as claims,
  (select coalesce(json_agg(h order by h.seq desc), '[]') from (select seq, at, path, kind, fence from claimboard_history where board = $1 and session = $2 order by seq desc limit 1000) h) as history
from t`;

/** A hot read's one row, whatever the statement (`version` is the schema's, checked by the caller). */
export type HotRow = { version: number | null; now: string };

/**
 * The live claims that could touch `paths` and the session's own (the core's `mayTouch`, as the
 * board file's `near` reads them), and the sessions, of a `LIVE_READ` row at the database's
 * clock. Only those are decoded (the row may hold more: claims written before schema 2).
 */
export function liveFromRow(rules: ClaimService, row: LiveRow, paths: readonly string[], session: string | undefined): { claims: Claim[]; sessions: SessionRecord[]; exists: true } {
  const now = new Date(row.now);
  const touches = mayTouch(paths, session);
  return {
    claims: row.claims
      .filter((r) => touches(r.session, r.path))
      .map(fromJson)
      .filter((c) => rules.isLive(c, now)),
    sessions: row.sessions.map((r) => toSession({ ...r, started: new Date(r.started), ended: r.ended === null ? null : new Date(r.ended) })),
    exists: true,
  };
}

/** `check` on a `LIVE_READ` row: the core's conflict rule over the live claims. */
export function checkFromRow(rules: ClaimService, row: LiveRow, session: string | undefined, keys: string[], mode: ClaimMode, files?: readonly string[]): Conflict[] {
  return rules.conflictsIn(liveFromRow(rules, row, keys, session).claims, session, keys, mode, files);
}

/**
 * The git guard's fencing check on a `LAPSED_READ` row (no lock, nothing written): a claim of the
 * session's that ended and is not recorded yet counts as the expiry the next write records
 * (`endedClaim`, as the store's `settle` writes it), newer than any history row; otherwise the
 * newest history row covering the key says whether the claim lapsed.
 */
export function lapsedFromRow(rules: ClaimService, row: LapsedRow, keys: string[]): LapsedClaim[] {
  const now = new Date(row.now);
  const claims = row.claims.map(fromJson);
  const mine = claims.filter((c) => rules.isLive(c, now));
  // In fence order, as `settle` records them: the last one is the newest history row.
  const ended = claims.filter((c) => !mine.includes(c)).reverse();
  const out: LapsedClaim[] = [];
  for (const key of keys) {
    if (mine.some((c) => claimCovers(c.path, key))) continue;
    const unrecorded = ended.find((c) => claimCovers(c.path, key));
    if (unrecorded) {
      out.push({ key, path: unrecorded.path, at: endedClaim(unrecorded, now).release.at, fence: unrecorded.fence });
      continue;
    }
    const last = row.history.find((h) => claimCovers(h.path, key));
    if (last?.kind === 'expire') out.push({ key, path: last.path, at: new Date(last.at), fence: Number(last.fence) });
  }
  return out;
}
