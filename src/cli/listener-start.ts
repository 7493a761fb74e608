/**
 * Starting the board's listener from a hook: loaded on every PostToolUse and prompt, so it loads
 * only the announcement settings (a board without a Mattermost REST destination needs no
 * listener) and the listener's lock check; the rest of the announcement code, node:crypto and
 * node:child_process load only when a listener must be started.
 */
import * as path from 'node:path';
import type * as ChildProcess from 'node:child_process';
import { loadAnnounceConfig } from '../announce/config';

/** True when this process is the claimboard CLI itself, so it can start another one of itself. */
export function runningAsCli(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  const base = path.basename(script);
  return base === 'cli.js' || base === 'claimboard';
}

/**
 * Starts this board's listener (`claimboard listen --background`, detached) unless the channel
 * cannot be read (no REST destination) or one runs. Called by the hooks on their heartbeat.
 */
export async function ensureListener(boardPath: string, env: NodeJS.ProcessEnv): Promise<void> {
  if (!runningAsCli()) return;
  if (loadAnnounceConfig({ env }).config?.destination.kind !== 'rest') return;
  const { listenerRunning } = await import('../announce/listener');
  if (listenerRunning(boardPath)) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { spawn } = require('node:child_process') as typeof ChildProcess;
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, 'listen', '--background', '--board', path.resolve(boardPath)], {
    detached: true,
    stdio: 'ignore',
    env,
    windowsHide: true,
  });
  child.on('error', () => undefined);
  child.unref();
}
