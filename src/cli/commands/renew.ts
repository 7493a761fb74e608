import type { Command } from '../command';
import { claimJson } from '../format';
import { formatClock } from '../../core/duration';
import { parseDuration } from '../../core/duration';

export const renew: Command = {
  name: 'renew',
  usage: 'renew [--ttl 60m]',
  summary: "heartbeat: extend this session's leases",
  options: { ttl: { type: 'string' } },
  async run(ctx, { values }) {
    const session = ctx.requireSession();
    const ttlMs = values.ttl !== undefined ? parseDuration(String(values.ttl)) : undefined;
    const renewed = await ctx.service().renew(session, ttlMs);
    if (ctx.json) ctx.out(JSON.stringify({ renewed: renewed.map(claimJson) }, null, 2));
    else if (renewed.length === 0) ctx.out(`${session} holds no claims to renew`);
    else for (const c of renewed) ctx.out(`renewed ${c.path} until ${formatClock(c.expires)}`);
    return 0;
  },
};
