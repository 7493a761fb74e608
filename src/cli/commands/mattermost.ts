import type { Command } from '../command';
import { EXIT } from '../cli-context';
import { cliAnnouncer, closeAnnouncers } from '../announcements';
import { InputError } from '../../core/duration';

export const mattermost: Command = {
  name: 'mattermost',
  usage: 'mattermost test',
  summary: 'check the Mattermost settings against the server: who am I, can I post to the channel',
  async run(ctx, { positionals }) {
    if (positionals[0] !== 'test' || positionals.length !== 1) throw new InputError('usage: claimboard mattermost test');
    const { announcer } = cliAnnouncer({ boardPath: ctx.boardPath, env: ctx.env, err: () => undefined });
    try {
      const lines = await announcer.check();
      if (ctx.json) ctx.out(JSON.stringify({ ok: lines.every((l) => l.ok), checks: lines }, null, 2));
      else for (const l of lines) ctx.out(`${l.ok ? 'ok  ' : 'FAIL'} ${l.text}`);
      return lines.every((l) => l.ok) ? EXIT.ok : EXIT.unexpected;
    } finally {
      await closeAnnouncers();
    }
  },
};
