import * as os from 'node:os';
import * as path from 'node:path';
import type { Claim } from '../core/model';
import { formatWhen } from '../core/duration';

/** Badge shown for a claim you hold: distinct from any holder's letters. */
export const OWN_BADGE = '✓';
/** Badge of a folder that only contains claims (the lighter, propagated mark). */
export const CONTAINS_BADGE = '•';

/**
 * The explorer badge of a holder, at most 2 characters: `session-a` → `A`, `session-12` → `12`,
 * `alice` → `AL`, `build-bot` → `BB`.
 */
export function holderBadge(session: string): string {
  const suffix = /^session[-_ .]?(.+)$/i.exec(session)?.[1];
  if (suffix)
    return (
      suffix
        .replace(/[^\p{L}\p{N}]/gu, '')
        .slice(0, 2)
        .toUpperCase() || 'S'
    );
  const words = session.split(/[-_ .]+/).filter((w) => w.length > 0);
  if (words.length >= 2) return (firstChar(words[0] ?? '') + firstChar(words[1] ?? '')).toUpperCase();
  return [...(words[0] ?? '?')].slice(0, 2).join('').toUpperCase();
}

function firstChar(s: string): string {
  return [...s][0] ?? '';
}

/** `19:15` today, `2026-04-26 19:15` otherwise: short but never ambiguous. */
export function when(d: Date, now: Date = new Date()): string {
  return formatWhen(d, now);
}

/** `Claimed by session-a since 19:15 — eta 19:45 — lease until 20:15 — <reason>` */
export function claimTooltip(c: Claim, mine: boolean, now: Date = new Date()): string {
  const parts = [`Claimed by ${c.session}${mine ? ' (you)' : ''} since ${when(c.started, now)}`];
  if (c.eta) parts.push(`eta ${when(c.eta, now)}`);
  parts.push(`${c.expires.getTime() < now.getTime() ? 'lease ended' : 'lease until'} ${when(c.expires, now)}`);
  if (c.mode === 'shared') parts.push('shared');
  if (c.reason) parts.push(c.reason);
  return parts.join(' — ');
}

/** One line for lists and notifications: `session-a holds repo/src/** (eta 19:45)`. */
export function claimSummary(c: Claim, now: Date = new Date()): string {
  return `${c.session} holds ${c.path}${c.eta ? ` (eta ${when(c.eta, now)})` : ''}`;
}

/** `you hold repo/a.ts (eta 19:45) — fixing rounding`: one claim as a line of a list (status bar, folder hover). */
export function claimLine(c: Claim, mine: boolean, now: Date = new Date()): string {
  return `${mine ? 'you hold' : `${c.session} holds`} ${c.path}${c.eta ? ` (eta ${when(c.eta, now)})` : ''}${c.reason ? ` — ${c.reason}` : ''}`;
}

/**
 * `repo/a.ts is claimed by session-b until about 02:12 (fixing util rounding)`: how every
 * warning (open, edit, save, a refused claim) names a held path, so they read alike.
 */
export function heldText(key: string, holder: Claim, now: Date = new Date()): string {
  return `${key} is claimed by ${holder.session}${holder.eta ? ` until about ${when(holder.eta, now)}` : ''}${holder.reason ? ` (${holder.reason})` : ''}`;
}

/** Identifies one claim on one file: a new claim on the same file warns again. */
export function claimIdentity(c: Claim): string {
  return c.id ?? `${c.session}|${c.path}|${c.started.getTime()}`;
}

/** A path under the home folder as \`~/…\`, as a person writes it. */
export function tildify(p: string): string {
  const home = os.homedir();
  return home && (p === home || p.startsWith(home + path.sep)) ? `~${p.slice(home.length)}` : p;
}
