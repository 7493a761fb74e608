/** How claims, releases and conflicts read in the terminal and in `--json`. */
import type { Claim, Release } from '../core/model';
import { describeHeld, type Conflict } from '../core/claim-service';
import { DEFAULT_TTL_MS, formatDurationExact, formatIsoLocal, formatWhen } from '../core/duration';

export function describeClaim(c: Claim, now: Date): string {
  const bits = [`since ${formatWhen(c.started, now)}`, `eta ${c.eta ? formatWhen(c.eta, now) : '?'}`, `lease until ${formatWhen(c.expires, now)}`];
  if (c.ttlMs !== undefined && c.ttlMs !== DEFAULT_TTL_MS) bits.push(`renewed by ${formatDurationExact(c.ttlMs)}`);
  if (c.mode === 'shared') bits.push('shared');
  if (c.reason) bits.push(c.reason);
  return `${c.session}  ${c.path}  (${bits.join(', ')})`;
}

export function describeConflict(k: Conflict, now: Date): string {
  const h = k.holder;
  return `${describeHeld(k)} — eta ${h.eta ? formatWhen(h.eta, now) : '?'}, lease until ${formatWhen(h.expires, now)}`;
}

export function describeRelease(r: Release, now: Date): string {
  return `${formatWhen(r.at, now)}  ${r.session}  ${r.path}${r.outcome ? `  (${r.outcome})` : ''}`;
}

export function claimJson(c: Claim) {
  return {
    id: c.id ?? null, session: c.session, path: c.path, started: formatIsoLocal(c.started),
    eta: c.eta ? formatIsoLocal(c.eta) : null, expires: formatIsoLocal(c.expires), ttl: formatDurationExact(c.ttlMs ?? DEFAULT_TTL_MS), mode: c.mode,
    reason: c.reason ?? null, pid: c.pid ?? null, host: c.host ?? null, forcedFrom: c.forcedFrom ?? null, line: c.line,
  };
}

export function releaseJson(r: Release) {
  return { session: r.session, path: r.path, at: formatIsoLocal(r.at), outcome: r.outcome ?? 'done', line: r.line };
}

export function conflictJson(k: Conflict) {
  return { path: k.path, relation: k.relation, holder: claimJson(k.holder) };
}
