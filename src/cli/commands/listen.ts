import type { Command } from '../command';
import { EXIT } from '../cli-context';
import { cliAnnouncer, closeAnnouncers } from '../announcements';
import { parseDuration } from '../../core/duration';
import { InputError } from '../../core/errors';
import { websocketWanted } from '../../announce/channel-wake';

/**
 * `claimboard listen`: this board's one listener, which reads the channel every few seconds while
 * a session is live and puts answers and messages into the sessions' inboxes. The hooks start it
 * detached (`--background`); `--once` reads once and returns (tests, cron).
 */
export const listen: Command = {
  name: 'listen',
  usage: 'listen [--once]',
  summary: 'read the channel for answers and messages to sessions (the hooks start it in the background)',
  options: {
    once: { type: 'boolean', help: 'read the channel once and return (tests, cron)' },
    background: { type: 'boolean', help: 'internal: started detached by the hooks; quiet' },
  },
  examples: ['listen --once'],
  async run(ctx, { values }) {
    const [{ listen: listenLoop }, { pollIntervalFromEnv }] = await Promise.all([import('../../announce/listener'), import('../../announce/channel-reader')]);
    const quiet = Boolean(values.background);
    const { announcer, loaded } = cliAnnouncer({ boardPath: ctx.boardPath, env: ctx.env, err: quiet ? () => undefined : ctx.err });
    try {
      if (loaded.config?.destination.kind !== 'rest') {
        if (quiet) return EXIT.ok;
        throw new InputError(
          loaded.configured ? 'listening needs a Mattermost token (CLAIMBOARD_MATTERMOST_URL, _TOKEN, _CHANNEL): a webhook can only post' : 'Mattermost is not configured: nothing to listen to',
        );
      }
      const intervalMs = pollIntervalFromEnv(ctx.env, (t) => parseDuration(t, 'CLAIMBOARD_POLL_INTERVAL'));
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
      try {
        const end = await listenLoop({
          boardPath: ctx.boardPath,
          announcer,
          service: () => ctx.service(),
          intervalMs,
          once: Boolean(values.once),
          websocket: websocketWanted(ctx.env),
          signal: stop.signal,
          onError: quiet ? undefined : (e) => ctx.err(`claimboard listen: ${e.message}`),
        });
        if (!quiet && end === 'busy') ctx.out('another claimboard process is listening to this board');
        if (!quiet && end === 'no-session') ctx.out('no session is live: stopped listening');
        return EXIT.ok;
      } finally {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
    } finally {
      await closeAnnouncers();
    }
  },
};
