import type { Command } from '../command';
import { EXIT } from '../cli-context';
import { claimJson } from '../../core/claim-json';
import { InputError } from '../../core/errors';
import { resolvePathKey } from '../../core/path-key';

export const release: Command = {
  name: 'release',
  usage: 'release [<path>...] [--all]',
  summary: "release this session's claims on paths, or all of them",
  options: { all: { type: 'boolean', help: 'release every claim this session holds' } },
  examples: ['release repo/src/parser.ts', 'release --all'],
  async run(ctx, { positionals, values }) {
    const session = await ctx.requireSession();
    if (values.all && positionals.length > 0) throw new InputError('give paths or --all, not both');
    if (!values.all && positionals.length === 0) throw new InputError('release needs paths, or --all');
    const paths = values.all ? 'all' : positionals.map((p) => resolvePathKey(p, ctx.cwd));
    const { released, notHeld } = await ctx.service().release(session, paths);
    if (ctx.json) ctx.outJson({ released: released.map(claimJson), notHeld });
    else for (const c of released) ctx.out(`released ${c.path}`);
    if (notHeld.length > 0 && released.length === 0) {
      throw new InputError(`${session} holds no claim on ${notHeld.join(', ')}`);
    }
    for (const p of notHeld) ctx.err(`claimboard: ${session} holds no claim on ${p}`);
    if (!ctx.json && released.length === 0) ctx.out(`${session} holds no claims`);
    return EXIT.ok;
  },
};
