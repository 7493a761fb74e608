import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from '../command';
import { writeFd } from '../write-fd';
import { runHook, type HookAnnouncer } from '../../claude/hook-runner';
import { ttlFromEnv } from '../../core/duration';
import { InputError } from '../../core/errors';
import { isHookEventArg, readHookStdin } from '../../claude/hook-input';
import { HOOK_EVENTS } from '../../claude/hook-settings';
import { doubleHooksMessage, settingsFiles, settingsWithHook } from '../../claude/plugin-presence';

export const hook: Command = {
  name: 'hook',
  usage: 'hook <session-start|pre-tool-use|post-tool-use|user-prompt-submit|notification|session-end>',
  summary: 'Claude Code hook handler: reads the hook JSON on stdin (installed by install-hooks)',
  words: [...HOOK_EVENTS],
  // Claude Code runs these with the hook's JSON on stdin; without it a hook allows and says why.
  examples: ['hook pre-tool-use'],
  // Internal: the detached "needs you" timer a notification starts (`hook notification --spell ID --claude-session ID`).
  options: {
    spell: { type: 'string', arg: 'ID', help: 'internal: the waiting spell a detached "needs you" timer watches' },
    'claude-session': { type: 'string', arg: 'ID', help: 'internal: the Claude Code session id of that spell' },
  },
  async run(ctx, { positionals, values }) {
    const event = positionals[0] ?? '';
    if (event === 'notification' && typeof values.spell === 'string' && typeof values['claude-session'] === 'string') {
      return needsYouTimer(ctx.boardPath, ctx.env, values['claude-session'], values.spell);
    }
    // The plugin's copy steps aside when settings.json runs the same hook: never twice per event.
    if (ctx.env.CLAIMBOARD_HOOKS_FROM === 'plugin' && isHookEventArg(event)) {
      const found = settingsWithHook(settingsFiles(ctx.env, ctx.env.CLAUDE_PROJECT_DIR || ctx.cwd), event);
      if (found.length > 0) {
        if (event === 'session-start') writeFd(1, JSON.stringify({ systemMessage: doubleHooksMessage(found) }) + '\n');
        return 0;
      }
    }
    let stdin = '';
    let stdinTruncated = false;
    // fstat rather than process.stdin.isTTY: creating the stdin stream costs every hook call.
    if (isTerminal(0)) {
      ctx.err('claimboard hook: expects the hook JSON on stdin (Claude Code runs this command; see install-hooks)');
    } else {
      try {
        ({ text: stdin, truncated: stdinTruncated } = readHookStdin(0));
      } catch (e) {
        ctx.err(`claimboard hook: could not read stdin: ${(e as Error).message}`);
      }
    }
    let ttlMs: number | undefined;
    try {
      ttlMs = ttlFromEnv(ctx.env);
    } catch (e) {
      // The same rule and words as the CLI's exit 2; a hook goes on with the default rather
      // than block every tool call of the session on a setting.
      if (!(e instanceof InputError)) throw e;
      ctx.err(`claimboard hook: ${e.message}; using the default lease length`);
    }
    let announcer: Promise<HookAnnouncer> | undefined;
    const outcome = await runHook(event, stdin, {
      boardPath: ctx.boardPath,
      env: ctx.env,
      stdinTruncated,
      ttlMs,
      autoClaim: !/^(0|false|no|off)$/i.test(ctx.env.CLAIMBOARD_AUTO_CLAIM ?? ''),
      announcer: () => (announcer ??= hookAnnouncer(ctx.boardPath, ctx.env, ctx.err, ttlMs)),
      startNeedsYouTimer: async (sessionId, spellId) => {
        const { runningAsCli, spawnDetached } = await import('../spawn-detached');
        if (!runningAsCli()) return undefined;
        return spawnDetached(['hook', 'notification', '--spell', spellId, '--claude-session', sessionId, '--board', path.resolve(ctx.boardPath)], ctx.env);
      },
      openStore: (o) => ctx.openStore(o),
    });
    // The person's answers reach this session's inbox through the board's one listener.
    if (event === 'session-start' || event === 'post-tool-use' || event === 'user-prompt-submit')
      await (await import('../listener-start')).ensureListener(ctx.boardPath, ctx.env).catch(() => undefined);
    if (outcome.stdout) writeFd(1, outcome.stdout);
    if (outcome.stderr) writeFd(2, outcome.stderr);
    // Idle sockets (a recap read) would keep Claude Code waiting for this process to exit.
    if (announcer) await (await import('../announcements')).closeAnnouncers();
    // A lock attempt still pending would keep Claude waiting on this process, then claim late.
    if (outcome.abandoned) process.exit(outcome.exitCode);
    return outcome.exitCode;
  },
};

/**
 * The CLI's announcer: queues to the outbox and leaves delivery to a detached flusher, so no hook
 * waits on Mattermost. Loaded on demand: most pre-tool-use calls announce nothing.
 */
async function hookAnnouncer(boardPath: string, env: NodeJS.ProcessEnv, err: (t: string) => void, ttlMs: number | undefined): Promise<HookAnnouncer> {
  const [{ cliAnnouncer }, { formatRecap, RECAP_WINDOW_MS }] = await Promise.all([import('../announcements'), import('../../announce')]);
  const { announcer, loaded } = cliAnnouncer({ boardPath, env, err, ttlMs });
  return {
    announce: (events) => announcer.announce(events),
    recap: loaded.config ? async (since, budgetMs) => formatRecap(await announcer.recap({ since: since ?? new Date(Date.now() - RECAP_WINDOW_MS), budgetMs })) : undefined,
    needsYou: loaded.config ? (session, what) => announcer.needsYou({ session, what }) : undefined,
  };
}

/** The detached timer of a waiting spell: posts "needs you" when due, if the spell is still open. */
async function needsYouTimer(boardPath: string, env: NodeJS.ProcessEnv, sessionId: string, spellId: string): Promise<number> {
  const [{ cliAnnouncer, closeAnnouncers }, { runSpellTimer }] = await Promise.all([import('../announcements'), import('../../claude/session-activity')]);
  try {
    const { announcer } = cliAnnouncer({ boardPath, env, err: () => undefined });
    await runSpellTimer(boardPath, sessionId, spellId, { post: (spell) => announcer.needsYou({ session: spell.session, what: spell.what }) });
    return 0;
  } finally {
    await closeAnnouncers();
  }
}

function isTerminal(fd: number): boolean {
  let st: fs.Stats;
  try {
    st = fs.fstatSync(fd);
  } catch {
    return false;
  }
  if (!st.isCharacterDevice()) return false;
  // /dev/null is a character device too, and reads as empty: only a real terminal would block.
  try {
    return !fs.realpathSync(`/proc/self/fd/${fd}`).startsWith('/dev/null');
  } catch {
    return true;
  }
}
