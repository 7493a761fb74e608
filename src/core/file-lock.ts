/**
 * The inter-process lock every claimboard file write takes (board and outbox): a
 * proper-lockfile lock folder beside the target, refreshed by its holder.
 *
 * proper-lockfile calls a lock stale when its mtime is older than `stale` by this machine's
 * clock, so a lock folder stamped in the future (a machine whose clock runs ahead, on a shared
 * folder; or a holder killed right after a clock jump) would block every writer for as long as
 * the clocks differ. Here a waiter also times the lock on its own clock: a lock whose mtime has
 * not moved for `staleMs` of waiting has no live holder (live holders refresh it every
 * `staleMs / 5`) and is broken, whatever its mtime says.
 */
import * as fs from 'node:fs';
import type * as ProperLockfile from 'proper-lockfile';

export class LockBusyError extends Error {
  readonly code = 'ELOCKBUSY';
  constructor(
    readonly lockPath: string,
    readonly waitedMs: number,
  ) {
    super(`${lockPath} is held by another process and was not released within ${(waitedMs / 1000).toFixed(1).replace(/\.0$/, '')} s; ` + 'if no claimboard is running, remove that folder');
    this.name = 'LockBusyError';
  }
}

export interface LockOptions {
  /** How long to wait for the lock before giving up with LockBusyError. */
  budgetMs: number;
  /** A lock not refreshed for this long (on the waiter's clock) is broken. */
  staleMs: number;
  onCompromised?: (err: Error) => void;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * The lock library, loaded on first use, not at start-up: most claimboard processes (hook
 * checks) only read. A caller about to write (an announcer) may load it early, outside the
 * time budget of its write.
 */
export function lockLibrary(): typeof ProperLockfile {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('proper-lockfile') as typeof ProperLockfile;
}

/** Locks `target` (the folder `<target>.lock`); resolves to the release function. */
export async function acquireLock(target: string, opts: LockOptions): Promise<() => Promise<void>> {
  const lockfile = lockLibrary();
  const lockPath = `${target}.lock`;
  const start = Date.now();
  const deadline = start + opts.budgetMs;
  let delay = 5;
  // The lock's mtime as last seen, and since when (our clock) it has not moved.
  let seen: { mtimeMs: number; ino: number; since: number } | undefined;
  for (;;) {
    try {
      return await lockfile.lock(target, {
        realpath: false,
        stale: opts.staleMs,
        update: Math.max(200, Math.floor(opts.staleMs / 5)),
        retries: 0,
        onCompromised: opts.onCompromised ?? (() => undefined),
      });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw e;
    }
    const now = Date.now();
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(lockPath);
    } catch {
      /* released meanwhile */
    }
    if (st) {
      if (!seen || seen.mtimeMs !== st.mtimeMs || seen.ino !== st.ino) seen = { mtimeMs: st.mtimeMs, ino: st.ino, since: now };
      else if (now - seen.since >= opts.staleMs) {
        // Nobody refreshed it while we watched: its holder is gone. Only the folder we timed is removed.
        try {
          if (fs.statSync(lockPath).mtimeMs === seen.mtimeMs) fs.rmdirSync(lockPath);
        } catch {
          /* someone else broke it */
        }
        seen = undefined;
        continue;
      }
    }
    if (now >= deadline) throw new LockBusyError(lockPath, opts.budgetMs);
    // Jittered backoff so many waiting writers do not wake in lockstep.
    await sleep(Math.min(deadline - now, delay / 2 + Math.random() * delay));
    delay = Math.min(delay * 1.5, 100);
  }
}
