/**
 * For tests that run real `claimboard` processes against the Mattermost test server: the
 * background processes those runs leave (the announcement flusher, the channel listener) are
 * noted by their pid files and ended after each test, and waits poll instead of sleeping.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { outboxPaths } from '../../src/announce';
import { listenerPidFile } from '../../src/announce/listener';
import { flusherPidFile } from '../../src/cli/announcements';
import { cleanEnv } from './cli';
import type { MattermostTestServer } from './mattermost-server';

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `get` until it gives a value (neither undefined nor false). */
export async function until<T>(get: () => Promise<T | undefined | false> | T | undefined | false, ms: number, what: string, everyMs = 50): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The flusher and listener a board's CLI runs started: note them after each run, end them after each test. */
export class BackgroundProcesses {
  private readonly pids = new Set<number>();

  /** How many were noted since the last endAll. */
  get count(): number {
    return this.pids.size;
  }

  /** Remember the board's flusher and listener while they run (a pid file is gone once they exit). */
  note(board: string): void {
    for (const f of [flusherPidFile(outboxPaths(board).outbox), listenerPidFile(board)]) {
      try {
        this.pids.add(Number(fs.readFileSync(f, 'utf8').trim()));
      } catch {
        // not running right now
      }
    }
  }

  endAll(board: string): void {
    this.note(board);
    for (const pid of this.pids) if (alive(pid)) process.kill(pid, 'SIGTERM');
    this.pids.clear();
  }
}

/** A clean environment whose claimboard announces to the test server's `team/claims` and asks @alice. */
export function mattermostEnv(server: MattermostTestServer, dir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return cleanEnv({
    XDG_CONFIG_HOME: path.join(dir, 'config'),
    CLAIMBOARD_MATTERMOST_URL: server.url,
    CLAIMBOARD_MATTERMOST_TOKEN: server.bot.token,
    CLAIMBOARD_MATTERMOST_CHANNEL: 'team/claims',
    CLAIMBOARD_MENTION: 'alice',
    ...extra,
  });
}
