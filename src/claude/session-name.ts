/**
 * Short, stable session names (`session-a`, `session-b`, …) for Claude Code sessions, which
 * only know themselves by a UUID. A person reads these names on the board and in the channel,
 * so a resumed or compacted session must come back under the name it already had.
 */
import type { SessionRecord } from '../core/model';

export interface NameChoice {
  name: string;
  /** True when the session had this name before (resume, compact, a second SessionStart). */
  reused: boolean;
}

/**
 * Picks the name for the Claude session `externalId`.
 * @param sessions every session on the board, ended ones included (they carry old names)
 * @param taken names in use right now by someone else: live sessions and holders of live claims
 * @param override `CLAIMBOARD_SESSION` from the environment, which always wins
 */
export function chooseSessionName(sessions: readonly SessionRecord[], taken: Iterable<string>, externalId: string | undefined, override?: string): NameChoice {
  const own = externalId ? sessions.filter((s) => s.externalId === externalId) : [];
  if (override) return { name: override, reused: own.some((s) => s.name === override) };
  const busy = new Set(taken);
  // The newest record of this session_id wins: it is the name the person saw last.
  const previous = [...own].sort((a, b) => b.started.getTime() - a.started.getTime())[0];
  if (previous) {
    // Someone else may have picked up the letter while this session was gone: only reuse it when free.
    const heldByOther = sessions.some((s) => s.name === previous.name && s.externalId !== externalId && !s.ended);
    if (!heldByOther) return { name: previous.name, reused: true };
  }
  for (const s of sessions) if (!s.ended && s.externalId !== externalId) busy.add(s.name);
  for (const suffix of nameSuffixes()) {
    const name = `session-${suffix}`;
    if (!busy.has(name)) return { name, reused: false };
  }
  // 702 live sessions on one board is not a real case; stay unique anyway.
  return { name: `session-${(externalId ?? String(Date.now())).slice(0, 8)}`, reused: false };
}

/** a…z, then aa…zz. */
function* nameSuffixes(): Generator<string> {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  for (const c of letters) yield c;
  for (const c of letters) for (const d of letters) yield c + d;
}
