import type { Command } from '../command';
import { EXIT } from '../cli-context';
import { cliAnnouncer } from '../announcements';
import { InputError } from '../../core/duration';
import { resolvePathKey } from '../../core/path-key';

export const ask: Command = {
  name: 'ask',
  usage: 'ask <path> [--message TEXT]',
  summary: 'ask the human in the channel whether to interrupt whoever holds a path',
  options: { message: { type: 'string', short: 'm' } },
  async run(ctx, { positionals, values }) {
    const session = ctx.requireSession();
    if (positionals.length !== 1) throw new InputError('ask needs exactly one path');
    const key = resolvePathKey(positionals[0], ctx.cwd);
    const conflict = ctx.service().check(session, [key])[0];
    if (!conflict) throw new InputError(`nobody else holds ${key}: it is free to claim`);
    const { announcer, loaded } = cliAnnouncer({ boardPath: ctx.boardPath, env: ctx.env, err: ctx.err });
    if (!loaded.configured) throw new InputError('Mattermost is not configured, so there is nobody to ask (see README, "Mattermost")');
    const r = await announcer.ask({ session, holder: conflict.holder.session, path: conflict.holder.path, message: values.message as string | undefined });
    if (r.error) ctx.err(`claimboard: mattermost: ${r.error}`);
    if (ctx.json) ctx.out(JSON.stringify({ asked: true, holder: conflict.holder.session, path: conflict.holder.path, delivered: r.delivered > 0 }, null, 2));
    else ctx.out(`asked about ${conflict.holder.path} (held by ${conflict.holder.session})${r.delivered ? '' : '; queued for delivery'}`);
    return EXIT.ok;
  },
};
