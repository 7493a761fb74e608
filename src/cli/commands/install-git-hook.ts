import type { Command } from '../command';
import { EXIT } from '../cli-context';
import { InputError } from '../../core/errors';
import { installPreCommitHook, uninstallPreCommitHook } from '../../git/git-hook-install';
import { cliArgv } from './install-hooks';

export const installGitHook: Command = {
  name: 'install-git-hook',
  usage: 'install-git-hook [--uninstall]',
  summary: 'install a pre-commit guard (claimboard guard) in this repository, chaining any existing hook',
  options: { uninstall: { type: 'boolean', help: 'remove the guard, restoring the hook it chained' } },
  examples: ['install-git-hook', 'install-git-hook --uninstall'],
  run(ctx, { positionals, values }) {
    if (positionals.length) throw new InputError(`install-git-hook takes no arguments (got ${positionals[0]})`);
    try {
      if (values.uninstall) {
        const removed = uninstallPreCommitHook(ctx.cwd);
        if (ctx.json) ctx.outJson({ removed });
        else ctx.out(removed ? 'removed the claimboard pre-commit guard' : 'no claimboard pre-commit guard installed here; nothing changed');
        return EXIT.ok;
      }
      // A board given by `--board` or CLAIMBOARD_BOARD goes into the hook: a commit from a GUI
      // client or another shell does not see the variable.
      const board = ctx.boardGiven ? ctx.boardPath : undefined;
      const r = installPreCommitHook(ctx.cwd, cliArgv(ctx.env), board);
      if (ctx.json) {
        ctx.outJson({ action: r.action, hook: r.hookPath, chained: r.chained ?? null });
        return EXIT.ok;
      }
      ctx.out(`${r.action === 'unchanged' ? 'already installed' : r.action}: ${r.hookPath}`);
      if (r.chained) ctx.out(`runs the previous pre-commit hook first: ${r.chained}`);
      return EXIT.ok;
    } catch (e) {
      throw new InputError((e as Error).message);
    }
  },
};
