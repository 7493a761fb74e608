/**
 * Starting the board's listener from a hook: loaded on every PostToolUse and prompt, so it loads
 * only the announcement settings (a board without a Mattermost REST destination needs no
 * listener) and the listener's lock check; the rest of the announcement code, node:crypto and
 * node:child_process load only when a listener must be started.
 */
import * as path from 'node:path';
import { loadAnnounceConfig } from '../announce/config';
import { runningAsCli, spawnDetached } from './spawn-detached';

/**
 * Starts this board's listener (`claimboard listen --background`, detached) unless the channel
 * cannot be read (no REST destination) or one runs. Called by the hooks on their heartbeat.
 */
export async function ensureListener(boardPath: string, env: NodeJS.ProcessEnv): Promise<void> {
  if (!runningAsCli()) return;
  if (loadAnnounceConfig({ env }).config?.destination.kind !== 'rest') return;
  const { listenerRunning } = await import('../announce/listener');
  if (listenerRunning(boardPath)) return;
  spawnDetached(['listen', '--background', '--board', path.resolve(boardPath)], env);
}
