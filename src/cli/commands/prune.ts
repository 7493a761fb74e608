import type { Command } from '../command';
import { formatIsoLocal } from '../../core/duration';

export const prune: Command = {
  name: 'prune',
  usage: 'prune',
  summary: 'move expired claims to releases now',
  examples: ['prune'],
  async run(ctx) {
    const expired = await ctx.service().prune();
    if (ctx.json) {
      ctx.outJson({ expired: expired.map((e) => ({ session: e.session, path: e.path, at: formatIsoLocal(e.expiredAt), why: e.why })) });
    } else if (expired.length === 0) {
      ctx.out('no expired claims');
    } else {
      for (const e of expired) ctx.out(`expired ${e.session} ${e.path}`);
    }
    return 0;
  },
};
