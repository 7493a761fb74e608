import type { Command } from '../command';
import { EXIT } from '../cli-context';
import { cliAnnouncer } from '../announcements';
import type { BoardEvent } from '../../core/model';

export const end: Command = {
  name: 'end',
  usage: 'end',
  summary: 'release everything this session holds and announce the end in one post',
  examples: ['end'],
  async run(ctx) {
    const session = await ctx.requireSession();
    // The releases are announced as one "ending" post, not one post per path.
    const events: BoardEvent[] = [];
    const service = ctx.service({ onEvents: (e) => void events.push(...e) });
    const released = await service.endSession(session);
    const paths = released.map((c) => c.path);
    const { announcer } = cliAnnouncer({ boardPath: ctx.boardPath, env: ctx.env, err: ctx.err });
    const r = await announcer.announce(events);
    if (r.error) ctx.err(`claimboard: mattermost: ${r.error}`);
    if (ctx.json) ctx.outJson({ session, released: paths });
    else ctx.out(paths.length ? `${session} ended; released ${paths.join(', ')}` : `${session} ended; it held nothing`);
    return EXIT.ok;
  },
};
