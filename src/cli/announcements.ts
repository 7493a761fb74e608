/**
 * The CLI's announcer: one per process and board. A claimboard process (often a Claude Code
 * hook) must not wait on Mattermost at all, so it only appends to the outbox and, when nobody
 * is delivering, starts a detached `claimboard flush --background` that delivers in order and
 * exits when the outbox is empty. Used in-process (tests, other Node callers) it delivers
 * inline within the usual ~1 s budget instead.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createAnnouncer, loadAnnounceConfig, type Announcer, type LoadedAnnounceConfig } from '../announce';
import { WEBHOOK_ONLY } from '../announce/config';
import { runningAsCli, spawnDetached } from './spawn-detached';

export interface CliAnnouncer {
  announcer: Announcer;
  loaded: LoadedAnnounceConfig;
}

const cache = new Map<string, CliAnnouncer>();

export function cliAnnouncer(opts: { boardPath: string; env: NodeJS.ProcessEnv; err: (t: string) => void; ttlMs?: number }): CliAnnouncer {
  const key = opts.boardPath;
  const hit = cache.get(key);
  if (hit) return hit;
  const loaded = loadAnnounceConfig({ env: opts.env });
  if (loaded.error) opts.err(`claimboard: mattermost: ${loaded.error} (announcements are kept in the outbox until this is fixed)`);
  const background = runningAsCli() && opts.env.CLAIMBOARD_ANNOUNCE_INLINE !== '1';
  const announcer = createAnnouncer({
    boardPath: opts.boardPath,
    config: loaded.config,
    error: loaded.error,
    ttlMs: opts.ttlMs,
    budgetMs: background ? 0 : 1000,
    startFlusher: background ? () => startBackgroundFlusher(opts.boardPath, opts.env) : undefined,
  });
  const made = { announcer, loaded };
  cache.set(key, made);
  return made;
}

/** Close every announcer this process made (undici keeps idle sockets otherwise). */
export async function closeAnnouncers(): Promise<void> {
  await Promise.all([...cache.values()].map((c) => c.announcer.close()));
  cache.clear();
}

function startBackgroundFlusher(boardPath: string, env: NodeJS.ProcessEnv): void {
  spawnDetached(['flush', '--background', '--board', path.resolve(boardPath)], env);
}

/** The background flusher records its pid beside the outbox so tests and people can find it. */
export function flusherPidFile(outboxPath: string): string {
  return `${outboxPath}.flusher.pid`;
}

export function writeFlusherPid(outboxPath: string): () => void {
  const file = flusherPidFile(outboxPath);
  try {
    fs.writeFileSync(file, `${process.pid}\n`);
  } catch {
    return () => undefined;
  }
  return () => {
    try {
      if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file);
    } catch {
      // Already gone.
    }
  };
}

/**
 * The Mattermost part of `claimboard status`: nothing when it is not configured and nothing
 * waits, but announcements left in the outbox are always shown (they are not lost, and the
 * person should know they wait for settings).
 */
export function announcementStatus(ctx: { boardPath: string; env: NodeJS.ProcessEnv; err: (t: string) => void }): { lines: string[]; json: unknown } {
  const { announcer, loaded } = cliAnnouncer({ boardPath: ctx.boardPath, env: ctx.env, err: () => undefined });
  const s = announcer.status();
  if (!loaded.configured) {
    if (s.pending === 0 && s.failed === 0) return { lines: [], json: null };
    const lines = ['', 'Mattermost: not configured'];
    lines.push(`  outbox: ${s.pending} pending, ${s.failed} failed, kept until Mattermost is configured again (then: claimboard flush${s.failed > 0 ? ' --retry-failed' : ''})`);
    for (const f of s.failedMessages.slice(0, 5)) lines.push(`  failed: ${f.text}${f.error ? `  (${f.error})` : ''}`);
    return { lines, json: s };
  }
  const lines = ['', `Mattermost: ${s.destination ?? 'not usable'}`];
  if (s.error) lines.push(`  problem: ${s.error}`);
  if (loaded.config?.destination.kind === 'webhook') lines.push(`  ${WEBHOOK_ONLY}`);
  lines.push(`  outbox: ${s.pending} pending, ${s.failed} failed${s.delivering ? ' (delivering now)' : ''}${s.lastDeliveredAt ? `; last delivered ${s.lastDeliveredAt}` : ''}`);
  if (s.lastError && (s.pending > 0 || s.failed > 0)) lines.push(`  last error: ${s.lastError}`);
  for (const f of s.failedMessages.slice(0, 5)) lines.push(`  failed: ${f.text}${f.error ? `  (${f.error})` : ''}`);
  if (s.failed > 0) lines.push('  fix the settings, then: claimboard flush --retry-failed');
  return { lines, json: s };
}
