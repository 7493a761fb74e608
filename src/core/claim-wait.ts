/**
 * Claiming with a wait ("queue work behind it"): try, and while someone else holds a path,
 * sleep until the board next changes or the first blocking lease ends, then try again. The
 * CLI's `--wait` and the MCP `claim` tool's `wait` are this one loop.
 */
import type { ClaimRequest, ClaimResult } from './claim-service';
import type { ClaimStore } from './claim-store';
import { waitForBoardChange } from './board-watch';

export async function claimWaiting(
  service: Pick<ClaimStore, 'claim' | 'boardPath' | 'changed'>,
  session: string,
  req: ClaimRequest,
  waitMs: number,
  /**
   * Called before the first wait, and again whenever whom it waits for changes (a holder hands
   * over, another claim gets in first), with the conflicts waited on: the CLI says whom it waits for.
   */
  onWait?: (refused: ClaimResult) => void,
): Promise<ClaimResult> {
  const deadline = Date.now() + waitMs;
  let waitingFor: string | undefined;
  for (;;) {
    const result = await service.claim(session, req);
    if (result.conflicts.length === 0 || req.force) return result;
    const left = deadline - Date.now();
    if (left <= 0) return result;
    const holders = result.conflicts
      .map((c) => `${c.holder.session}\0${c.holder.path}`)
      .sort()
      .join('\n');
    if (holders !== waitingFor) {
      waitingFor = holders;
      onWait?.(result);
    }
    // Wake on the next board write, or when the earliest blocking lease ends.
    const soonest = Math.min(...result.conflicts.map((c) => c.holder.expires.getTime() - Date.now() + 50));
    const waitMs = Math.max(20, Math.min(left, soonest));
    await (service.changed ? service.changed(waitMs) : waitForBoardChange(service.boardPath, waitMs));
  }
}
