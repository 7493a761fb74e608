import { livenessHost } from '../../core/liveness';
import type { Command } from '../command';
import { EXIT } from '../cli-context';
import { InputError } from '../../core/errors';

export const start: Command = {
  name: 'start',
  usage: 'start [--repo R] [--task T] [--pid N]',
  summary: 'register this session on the board and announce it ("starting — repo: R — task: T")',
  options: {
    repo: { type: 'string', arg: 'R', help: 'the repository the session works in, for the announcement' },
    task: { type: 'string', arg: 'T', help: 'what the session is doing, for the announcement' },
    pid: { type: 'string', arg: 'N', help: 'the process the session belongs to: when it dies, its claims end' },
  },
  examples: ['start --repo claimboard --task "fix the parser"'],
  async run(ctx, { positionals, values }) {
    const session = await ctx.requireSession();
    if (positionals.length > 0) throw new InputError(`start takes no paths (got ${positionals[0]}): use --repo and --task`);
    const pid = values.pid !== undefined ? Number(values.pid) : undefined;
    if (pid !== undefined && !(Number.isInteger(pid) && pid > 0)) throw new InputError(`bad --pid ${values.pid}`);
    const repo = values.repo as string | undefined;
    const task = values.task as string | undefined;
    await ctx.service().registerSession({ name: session, started: new Date(), repo, task, pid, host: pid !== undefined ? livenessHost() : undefined });
    if (ctx.json) ctx.outJson({ session, repo: repo ?? null, task: task ?? null });
    else ctx.out(`${session} starting${repo ? ` — repo: ${repo}` : ''}${task ? ` — task: ${task}` : ''}`);
    return EXIT.ok;
  },
};
