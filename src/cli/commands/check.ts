import type { Command } from '../command';
import { EXIT } from '../cli-context';
import { conflictJson } from '../../core/claim-json';
import { describeConflict } from '../format';
import { InputError } from '../../core/errors';
import { resolvePathKeyWithWarning } from '../../core/path-key';

export const check: Command = {
  name: 'check',
  usage: 'check <path>... [--shared]',
  summary: 'is it free for me? (exit 3 when someone else holds it)',
  options: { shared: { type: 'boolean', help: 'ask for a shared claim: only exclusive claims stand in the way', default: 'exclusive' } },
  examples: ['check repo/src/parser.ts', 'check "repo/docs/**" --shared'],
  async run(ctx, { positionals, values }) {
    if (positionals.length === 0) throw new InputError('check needs at least one path');
    const resolved = positionals.map((p) => resolvePathKeyWithWarning(p, ctx.cwd));
    const paths = resolved.map((r) => r.key);
    const files = resolved.filter((r) => r.file).map((r) => r.key);
    const conflicts = await ctx.service().check(await ctx.identity(), paths, values.shared ? 'shared' : 'exclusive', { files });
    const now = new Date();
    if (ctx.json) {
      ctx.outJson({ free: conflicts.length === 0, paths, conflicts: conflicts.map(conflictJson) });
    } else {
      for (const p of paths) if (!conflicts.some((k) => k.path === p)) ctx.out(`free: ${p}`);
    }
    for (const k of conflicts) ctx.err(`claimboard: ${describeConflict(k, now)}`);
    return conflicts.length === 0 ? EXIT.ok : EXIT.conflict;
  },
};
