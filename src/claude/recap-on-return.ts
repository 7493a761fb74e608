/**
 * Recap on return: a prompt that comes to a session idle for longer than
 * CLAIMBOARD_RECAP_IDLE gets, in Claude's context, what happened on the channel since the
 * session last worked, so the session greets the person with it. Bounded in size and in time:
 * a hung server costs the prompt at most RECAP_ON_RETURN_BUDGET_MS, and then the context says
 * the channel could not be read rather than nothing.
 */
import { formatDurationExact } from '../core/duration';

/** Well under UserPromptSubmit's timeout (hook-settings.ts), after its heartbeat's lock budget. */
export const RECAP_ON_RETURN_BUDGET_MS = 2_500;
/** additionalContext is capped by Claude Code (about 10,000 characters); the recap keeps to a part of it. */
export const RECAP_ON_RETURN_MAX_CHARS = 3_000;
const MAX_LINES = 40;

export interface RecapOnReturnInput {
  /** When the session last worked; undefined for a session never seen working (no recap). */
  lastWorked: Date | undefined;
  now: Date;
  /** Idle longer than this gets the recap; undefined: recap on return is off. */
  idleMs: number | undefined;
  /** Reads the channel (or the journal) since a time; rejects when it cannot within `budgetMs`. */
  recap: ((since: Date, budgetMs: number) => Promise<string>) | undefined;
  budgetMs?: number;
}

export async function recapOnReturn(o: RecapOnReturnInput): Promise<string | undefined> {
  if (!o.lastWorked || o.idleMs === undefined || !o.recap) return undefined;
  const idle = o.now.getTime() - o.lastWorked.getTime();
  if (idle < o.idleMs) return undefined;
  const budgetMs = o.budgetMs ?? RECAP_ON_RETURN_BUDGET_MS;
  const head = `The person is back after ${formatDurationExact(Math.round(idle / 60_000) * 60_000 || idle)} away from this session. Greet them with a short recap of what happened meanwhile:`;
  // Whole minutes, rounded up, so the command covers the whole idle spell.
  const again = `claimboard recap --since ${formatDurationExact(Math.max(1, Math.ceil(idle / 60_000)) * 60_000)}`;
  let timer: NodeJS.Timeout | undefined;
  try {
    const text = await Promise.race([
      o.recap(o.lastWorked, budgetMs),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${budgetMs / 1000} s`)), budgetMs);
      }),
    ]);
    return `${head}\n${bound(text, again)}`;
  } catch (e) {
    const why = (e as Error).message.split('\n')[0] ?? '';
    return `${head}\nThe channel could not be read (${why}): say so, and that \`${again}\` shows it later.`;
  } finally {
    clearTimeout(timer);
  }
}

/** At most MAX_LINES lines and RECAP_ON_RETURN_MAX_CHARS characters; the newest lines are kept. */
function bound(text: string, again: string): string {
  let lines = text.split('\n');
  let cut = false;
  if (lines.length > MAX_LINES) {
    lines = [lines[0] ?? '', ...lines.slice(lines.length - (MAX_LINES - 1))];
    cut = true;
  }
  let out = lines.join('\n');
  if (out.length > RECAP_ON_RETURN_MAX_CHARS) {
    out = out.slice(out.length - RECAP_ON_RETURN_MAX_CHARS);
    out = out.slice(out.indexOf('\n') + 1);
    cut = true;
  }
  return cut ? `${out}\n(older lines left out: \`${again}\` has them all)` : out;
}
