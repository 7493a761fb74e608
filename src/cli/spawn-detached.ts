/**
 * Starting another claimboard process (the outbox's flusher, the board's listener, a waiting
 * spell's timer) detached, so this one, often a hook, exits at once. node:child_process loads
 * on the first spawn only: a hook that starts nothing never pays for it.
 */
import * as path from 'node:path';
import type * as ChildProcess from 'node:child_process';

/** True when this process is the claimboard CLI itself, so it can start another one of itself. */
export function runningAsCli(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  const base = path.basename(script);
  return base === 'cli.js' || base === 'claimboard';
}

/** `claimboard <args>` as a detached process with this one's Node and flags; its pid. */
export function spawnDetached(args: readonly string[], env: NodeJS.ProcessEnv): number | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { spawn } = require('node:child_process') as typeof ChildProcess;
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1] ?? '', ...args], {
    detached: true,
    stdio: 'ignore',
    env,
    windowsHide: true,
  });
  // A failed start is the same as a late one: the outbox keeps what waits, the next call tries again.
  child.on('error', () => undefined);
  child.unref();
  return child.pid;
}
