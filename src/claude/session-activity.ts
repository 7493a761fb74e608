/**
 * What the hooks remember per Claude Code session beside the board, in
 * `<board>.sessions/` (one pair of small files per `session_id`):
 *
 * - `<id>.worked`: its mtime is when the session last worked (a tool call or a prompt). The
 *   recap on return compares a prompt's time with it. A touch, not a board write: this runs on
 *   every tool call.
 * - `<id>.spell.json`: the open **waiting spell** (Claude Code said the session waits for the
 *   person) and whether "needs you" was posted for it. It exists only while the spell is open:
 *   the session's next work removes it, so a work event pays one failed `stat` when nobody waits.
 *
 * The delayed "needs you" runs in a detached process; it decides under the spell file's lock,
 * so a spell that ended, or was already announced, posts nothing.
 */
import { nodeCrypto } from '../core/node-crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { acquireLock } from '../core/file-lock';
import { writeFileAtomic } from '../core/atomic-file';
import { parseDuration } from '../core/duration';

/** How long a session must wait for the person before "needs you" is posted, by default. */
export const NEEDS_YOU_AFTER_DEFAULT_MS = 60_000;
/** A prompt after this long without work gets the recap of what happened meanwhile, by default. */
export const RECAP_IDLE_DEFAULT_MS = 20 * 60_000;

export interface WaitingSpell {
  /** Tells this spell from a later one of the same session: a timer acts only on its own. */
  id: string;
  /** The session's board name, when the board knew it at the first notification. */
  session: string;
  since: string;
  /** When "needs you" is due: `since` + CLAIMBOARD_NEEDS_YOU_AFTER. */
  dueAt: string;
  /** What the session waits for, in Claude Code's words. */
  what: string;
  /** The detached process that posts when due. */
  timerPid?: number;
  announcedAt?: string;
}

export function sessionsDir(boardPath: string): string {
  return path.join(path.dirname(boardPath), `${path.basename(boardPath).replace(/\.md$/i, '')}.sessions`);
}

/** A `session_id` as a file name: Claude Code's are UUIDs, anything else is hashed. */
function fileKey(sessionId: string): string {
  return /^[\w-]{1,100}$/.test(sessionId) ? sessionId : nodeCrypto().createHash('sha256').update(sessionId).digest('hex').slice(0, 32);
}

export function spellFile(boardPath: string, sessionId: string): string {
  return path.join(sessionsDir(boardPath), `${fileKey(sessionId)}.spell.json`);
}

function workedFile(boardPath: string, sessionId: string): string {
  return path.join(sessionsDir(boardPath), `${fileKey(sessionId)}.worked`);
}

/** When the session last worked, or undefined when it never has (on this board). */
export function lastWorked(boardPath: string, sessionId: string): Date | undefined {
  try {
    return fs.statSync(workedFile(boardPath, sessionId)).mtime;
  } catch {
    return undefined;
  }
}

const LOCK = { budgetMs: 2_000, staleMs: 10_000 };

/**
 * The session works (a tool call, a prompt): stamps the time and ends its waiting
 * spell, if one is open. Returns when it last worked before this. Never throws: the hooks'
 * own work must not fail for this bookkeeping.
 */
export async function sessionWorks(boardPath: string, sessionId: string, now: Date): Promise<Date | undefined> {
  const before = lastWorked(boardPath, sessionId);
  const stamp = workedFile(boardPath, sessionId);
  try {
    try {
      fs.utimesSync(stamp, now, now);
    } catch {
      fs.mkdirSync(path.dirname(stamp), { recursive: true });
      fs.writeFileSync(stamp, '');
      fs.utimesSync(stamp, now, now);
    }
  } catch {
    // A read-only folder: no recap on return, nothing worse.
  }
  await endSpell(boardPath, sessionId);
  return before;
}

/** Ends the session's waiting spell: a timer still sleeping for it will post nothing. */
export async function endSpell(boardPath: string, sessionId: string): Promise<void> {
  const file = spellFile(boardPath, sessionId);
  if (!fs.existsSync(file)) return;
  try {
    const unlock = await acquireLock(file, LOCK);
    try {
      fs.rmSync(file, { force: true });
    } finally {
      await unlock();
    }
  } catch {
    // A lock we could not get within the budget: the timer checks again under it anyway.
  }
}

export function readSpell(boardPath: string, sessionId: string): WaitingSpell | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(spellFile(boardPath, sessionId), 'utf8')) as WaitingSpell;
    return typeof v?.id === 'string' && typeof v.dueAt === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

function writeSpell(boardPath: string, sessionId: string, spell: WaitingSpell): void {
  writeFileAtomic(spellFile(boardPath, sessionId), JSON.stringify(spell) + '\n', 'waiting spell');
}

/**
 * A notification that the session waits for the person. Opens a spell and starts its timer,
 * unless one is open already (at most one "needs you" per spell). Returns the spell opened, or
 * undefined when this notification belongs to an open one.
 */
export async function openSpell(
  boardPath: string,
  sessionId: string,
  opts: { session: string; what: string; now: Date; afterMs: number; startTimer: (spellId: string) => number | undefined | Promise<number | undefined> },
): Promise<WaitingSpell | undefined> {
  const file = spellFile(boardPath, sessionId);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const unlock = await acquireLock(file, LOCK);
  try {
    if (readSpell(boardPath, sessionId)) return undefined;
    const spell: WaitingSpell = {
      id: nodeCrypto().randomUUID(),
      session: opts.session,
      since: opts.now.toISOString(),
      dueAt: new Date(opts.now.getTime() + opts.afterMs).toISOString(),
      what: opts.what,
    };
    // Written before the timer starts: a timer reads its spell first.
    writeSpell(boardPath, sessionId, spell);
    spell.timerPid = await opts.startTimer(spell.id);
    if (spell.timerPid !== undefined) writeSpell(boardPath, sessionId, spell);
    return spell;
  } finally {
    await unlock();
  }
}

export type TimerOutcome = 'announced' | 'ended' | 'already-announced';

/**
 * The detached timer: sleeps until the spell is due, then, under the lock, posts "needs you"
 * once if the spell is still open and not yet announced. `post` queues the announcement (the
 * outbox): it is called under the lock, and the spell is marked only after it returned.
 */
export async function runSpellTimer(
  boardPath: string,
  sessionId: string,
  spellId: string,
  opts: { post: (spell: WaitingSpell) => Promise<unknown>; now?: () => Date; sleep?: (ms: number) => Promise<void> },
): Promise<TimerOutcome> {
  const now = opts.now ?? (() => new Date());
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const first = readSpell(boardPath, sessionId);
  if (first?.id !== spellId) return 'ended';
  for (let wait = Date.parse(first.dueAt) - now().getTime(); wait > 0; wait = Date.parse(first.dueAt) - now().getTime()) {
    await sleep(Math.min(wait, 1_000));
    // Ended while we slept: nothing to wait for any more.
    if (readSpell(boardPath, sessionId)?.id !== spellId) return 'ended';
  }
  const file = spellFile(boardPath, sessionId);
  const unlock = await acquireLock(file, { ...LOCK, budgetMs: 10_000 });
  try {
    const spell = readSpell(boardPath, sessionId);
    if (spell?.id !== spellId) return 'ended';
    if (spell.announcedAt) return 'already-announced';
    await opts.post(spell);
    spell.announcedAt = now().toISOString();
    writeSpell(boardPath, sessionId, spell);
    return 'announced';
  } finally {
    await unlock();
  }
}

/**
 * CLAIMBOARD_NEEDS_YOU_AFTER: a duration (`60s`, `2m`), or `off`/`0` for never. Undefined when
 * off; InputError naming the variable when it is not a duration (the hook reports it and goes
 * on with the default).
 */
export function needsYouAfterFromEnv(env: Record<string, string | undefined>): number | undefined {
  const text = env.CLAIMBOARD_NEEDS_YOU_AFTER?.trim();
  if (!text) return NEEDS_YOU_AFTER_DEFAULT_MS;
  if (/^(off|0|no|false|never)$/i.test(text)) return undefined;
  return parseDuration(text, 'CLAIMBOARD_NEEDS_YOU_AFTER');
}

/** CLAIMBOARD_RECAP_IDLE: a duration, or `off` for no recap on return. */
export function recapIdleFromEnv(env: Record<string, string | undefined>): number | undefined {
  const text = env.CLAIMBOARD_RECAP_IDLE?.trim();
  if (!text) return RECAP_IDLE_DEFAULT_MS;
  if (/^(off|no|false|never)$/i.test(text)) return undefined;
  return parseDuration(text, 'CLAIMBOARD_RECAP_IDLE');
}

/** Notification types that mean the session waits for the person (others, like `auth_success`, do not). */
export function isWaitingNotification(type: string): boolean {
  return type === '' || type === 'permission_prompt' || type === 'idle_prompt' || type === 'elicitation_dialog';
}

/** What the session waits for, as one short line for the channel. */
export function waitingFor(type: string, message: string): string {
  const said = message.replace(/\s+/g, ' ').trim();
  if (said) return said.length > 200 ? `${said.slice(0, 199)}…` : said;
  return type === 'permission_prompt' ? 'a permission prompt' : type === 'elicitation_dialog' ? 'a question to answer' : 'waiting for your input';
}
