import type { Command } from '../command';
import { EXIT } from '../cli-context';
import { cliAnnouncer, closeAnnouncers } from '../announcements';
import { parseDuration } from '../../core/duration';
import { formatRecap } from '../../announce';

export const recap: Command = {
  name: 'recap',
  usage: 'recap [--since 2h]',
  summary: 'what each session started, claimed, released, asked, and what expired, from the channel',
  options: { since: { type: 'string' } },
  async run(ctx, { values }) {
    const sinceMs = parseDuration(values.since !== undefined ? String(values.since) : '2h');
    const { announcer } = cliAnnouncer({ boardPath: ctx.boardPath, env: ctx.env, err: ctx.err });
    try {
      const r = await announcer.recap({ since: new Date(Date.now() - sinceMs) });
      ctx.out(ctx.json ? JSON.stringify(r, null, 2) : formatRecap(r));
      return EXIT.ok;
    } catch (err) {
      ctx.err(`claimboard: could not read the channel: ${(err as Error).message}`);
      return EXIT.unexpected;
    } finally {
      await closeAnnouncers();
    }
  },
};
