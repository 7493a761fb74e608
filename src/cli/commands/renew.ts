import type { Command } from '../command';
import { claimJson } from '../../core/claim-json';
import { formatDurationExact, formatWhen, parseLeaseDuration } from '../../core/duration';
import { leaseLength } from '../../core/claim-service';

export const renew: Command = {
  name: 'renew',
  usage: 'renew [--ttl 60m]',
  summary: "heartbeat: extend this session's leases (each by its own length, or by --ttl)",
  options: { ttl: { type: 'string', arg: 'DURATION', help: 'renew every lease by this length instead (1s to 7d)', default: "each claim's own lease" } },
  examples: ['renew', 'renew --ttl 2h'],
  async run(ctx, { values }) {
    const session = await ctx.requireSession();
    const ttlMs = values.ttl !== undefined ? parseLeaseDuration(String(values.ttl), 'lease length') : undefined;
    const { renewed, unchanged } = await ctx.service().renew(session, ttlMs);
    const now = new Date();
    if (ctx.json) {
      ctx.outJson({ renewed: renewed.map(claimJson), unchanged: unchanged.map(claimJson) });
      return 0;
    }
    if (renewed.length === 0 && unchanged.length === 0) ctx.out(`${session} holds no claims to renew`);
    for (const c of renewed) ctx.out(`renewed ${c.path} until ${formatWhen(c.expires, now)} (lease ${formatDurationExact(leaseLength(c))})`);
    for (const c of unchanged) {
      const by = formatDurationExact(ttlMs ?? leaseLength(c));
      ctx.out(`unchanged ${c.path}: its lease already runs until ${formatWhen(c.expires, now)}, past ${by} from now`);
    }
    return 0;
  },
};
