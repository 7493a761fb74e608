import type { Command } from '../command';
import { EXIT } from '../cli-context';
import { cliAnnouncer, closeAnnouncers } from '../announcements';
import { InputError } from '../../core/errors';
import { NOT_CONFIGURED } from '../../announce/config';

export const mattermost: Command = {
  name: 'mattermost',
  usage: 'mattermost test',
  summary: 'check the Mattermost settings against the server: who am I, can I post to the channel',
  words: ['test'],
  examples: ['mattermost test'],
  async run(ctx, { positionals }) {
    if (positionals[0] !== 'test' || positionals.length !== 1) throw new InputError('usage: claimboard mattermost test');
    const { announcer, loaded } = cliAnnouncer({ boardPath: ctx.boardPath, env: ctx.env, err: () => undefined });
    // Nothing to test is a set-up to finish, not an unexpected error: name the settings.
    if (!loaded.configured) throw new InputError(NOT_CONFIGURED);
    try {
      const lines = await announcer.check();
      if (ctx.json) ctx.outJson({ ok: lines.every((l) => l.ok), checks: lines });
      else for (const l of lines) ctx.out(`${!l.ok ? 'FAIL' : l.warning ? 'warn' : 'ok  '} ${l.text}`);
      return lines.every((l) => l.ok) ? EXIT.ok : EXIT.unexpected;
    } finally {
      await closeAnnouncers();
    }
  },
};
