/**
 * Which board session an MCP server started by Claude Code acts as. Claude Code gives the
 * server process the same `CLAUDE_CODE_SESSION_ID` its hooks see as `session_id`, and the
 * hooks record that id beside the session's name on the board (the Sessions section): that
 * record is the join, so the tools act under the name the hooks gave, with no second identity.
 *
 * After `/clear` Claude Code starts a new session (new id, new name) but keeps the same MCP
 * server process, whose environment still carries the old id; the old record is then ended,
 * and the live record whose pid is this server's parent (the Claude Code process) is the one.
 */
import { validateSessionName } from '../core/fields';
import { waitForBoardChange } from '../core/board-watch';
import type { ClaimStore } from '../core/claim-store';
import type { SessionRecord } from '../core/model';

export interface SessionIdentity {
  name: string;
  /** How it was found, for `status` and for people debugging a wrong name. */
  via: 'CLAIMBOARD_SESSION' | 'CLAUDE_CODE_SESSION_ID' | 'parent process';
  /** The Claude Code process whose end frees the session's claims. */
  pid?: number;
}

export interface SessionLookup {
  env: Record<string, string | undefined>;
  /** This process's parent: Claude Code, when it started the server. */
  ppid: number;
  host: string;
}

function newest(records: SessionRecord[]): SessionRecord | undefined {
  return [...records].sort((a, b) => b.started.getTime() - a.started.getTime())[0];
}

/** The session as the board knows it now, or undefined. */
export async function findSession(service: ClaimStore, o: SessionLookup): Promise<SessionIdentity | undefined> {
  const override = o.env.CLAIMBOARD_SESSION;
  if (override && !validateSessionName(override)) {
    const pid = Number(o.env.CLAIMBOARD_PID || o.env.CLAUDE_PID);
    return { name: override, via: 'CLAIMBOARD_SESSION', pid: Number.isInteger(pid) && pid > 0 ? pid : undefined };
  }
  const sessions = (await service.near([])).sessions.filter((s) => !s.ended);
  const id = o.env.CLAUDE_CODE_SESSION_ID;
  const byId = id ? newest(sessions.filter((s) => s.externalId === id)) : undefined;
  if (byId) return { name: byId.name, via: 'CLAUDE_CODE_SESSION_ID', pid: byId.host === o.host ? byId.pid : undefined };
  const byParent = newest(sessions.filter((s) => s.pid === o.ppid && s.host === o.host));
  if (byParent) return { name: byParent.name, via: 'parent process', pid: byParent.pid };
  return undefined;
}

/**
 * As `findSession`, waiting up to `waitMs` for the record: Claude Code starts the server and
 * runs the SessionStart hook at the same time, so the first tool call can come before the name.
 */
export async function resolveSession(service: ClaimStore, o: SessionLookup, waitMs: number): Promise<SessionIdentity | undefined> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const found = await findSession(service, o);
    if (found) return found;
    const left = deadline - Date.now();
    // Only inside Claude Code is a SessionStart hook about to name the session.
    if (left <= 0 || !o.env.CLAUDE_CODE_SESSION_ID) return undefined;
    await waitForBoardChange(service.boardPath, Math.min(left, 250));
  }
}
