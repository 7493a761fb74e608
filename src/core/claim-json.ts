/**
 * A claim, a release and a conflict as JSON: one shape for every adapter that hands the board
 * to a program (the CLI's `--json`, the MCP tools' structured results), so a script and a model
 * read the same fields.
 */
import type { Conflict } from './claim-service';
import { DEFAULT_TTL_MS, formatDurationExact, formatIsoLocal } from './duration';
import type { Claim, ClaimMode, Release } from './model';

export interface ClaimJson {
  id: string | null;
  session: string;
  path: string;
  started: string;
  eta: string | null;
  expires: string;
  ttl: string;
  mode: ClaimMode;
  reason: string | null;
  pid: number | null;
  host: string | null;
  forcedFrom: string | null;
  line: number;
}

export interface ReleaseJson {
  session: string;
  path: string;
  at: string;
  outcome: string;
  line: number;
}

export interface ConflictJson {
  path: string;
  relation: Conflict['relation'];
  holder: ClaimJson;
}

export function claimJson(c: Claim): ClaimJson {
  return {
    id: c.id ?? null,
    session: c.session,
    path: c.path,
    started: formatIsoLocal(c.started),
    eta: c.eta ? formatIsoLocal(c.eta) : null,
    expires: formatIsoLocal(c.expires),
    ttl: formatDurationExact(c.ttlMs ?? DEFAULT_TTL_MS),
    mode: c.mode,
    reason: c.reason ?? null,
    pid: c.pid ?? null,
    host: c.host ?? null,
    forcedFrom: c.forcedFrom ?? null,
    line: c.line,
  };
}

export function releaseJson(r: Release): ReleaseJson {
  return { session: r.session, path: r.path, at: formatIsoLocal(r.at), outcome: r.outcome ?? 'done', line: r.line };
}

export function conflictJson(k: Conflict): ConflictJson {
  return { path: k.path, relation: k.relation, holder: claimJson(k.holder) };
}
