import { spawnSync } from 'node:child_process';
import type { Command } from '../command';
import { EXIT } from '../cli-context';
import { describeConflict } from '../format';
import { InputError } from '../../core/errors';
import { stagedKeys } from '../../git/pre-commit';
import { formatWhen } from '../../core/duration';
import { shellWord } from '../../core/shell-word';

export const guard: Command = {
  name: 'guard',
  usage: 'guard',
  summary: 'pre-commit check: refuse when a staged path is held by another session (exit 3)',
  examples: ['guard'],
  async run(ctx, { positionals }) {
    if (positionals.length) throw new InputError(`guard takes no arguments (got ${positionals[0]})`);
    const top = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd: ctx.cwd, encoding: 'utf8' });
    if (top.status !== 0) throw new InputError(`${ctx.cwd} is not inside a git worktree`);
    const root = top.stdout.trim();
    // Deleted and renamed-away paths are changes to held files too.
    const staged = spawnSync('git', ['diff', '--cached', '--name-only', '-z', '--no-renames'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (staged.status !== 0) throw new InputError(`git diff --cached failed: ${staged.stderr.trim().split('\n')[0]}`);
    const files = staged.stdout.split('\0').filter(Boolean);
    if (files.length === 0) return EXIT.ok;
    const keys = stagedKeys(root, files);
    // Staged paths are files (deleted ones too): only claims covering them stand in the way.
    const me = await ctx.identity();
    const conflicts = await ctx.service().check(me, keys, 'exclusive', { files: keys });
    const now = new Date();
    if (conflicts.length === 0) {
      // The fencing check: a claim of the committer's that ran out stops the commit, even when
      // nobody took the path since (someone may be about to, on another machine).
      const lapsed = me ? await ctx.service().lapsed(me, keys) : [];
      if (lapsed.length === 0) return EXIT.ok;
      ctx.err(`claimboard: commit refused: your claim ${lapsed.length === 1 ? 'on a staged path has' : 'on staged paths have'} lapsed`);
      for (const l of lapsed) ctx.err(`  ${l.key}: ${me ?? ''}'s claim ${l.path} (fence ${l.fence}) ended ${formatWhen(l.at, now)}, its lease not renewed`);
      ctx.err(
        `Claim ${lapsed.length === 1 ? 'it' : 'them'} again (claimboard claim ${lapsed.map((l) => shellWord(l.path)).join(' ')}), check nobody changed ${lapsed.length === 1 ? 'it' : 'them'} meanwhile, then commit.`,
      );
      return EXIT.conflict;
    }
    ctx.err(`claimboard: commit refused: ${conflicts.length === 1 ? 'a staged path is' : 'staged paths are'} held by another session`);
    for (const k of conflicts) ctx.err(`  ${describeConflict(k, now)}`);
    ctx.err(
      me
        ? `You are ${me}. Wait for the release, unstage those paths (git restore --staged <path>), or ask the holder.`
        : 'This commit runs inside Claude Code and the board has no session for it: if this session holds these claims, commit with CLAIMBOARD_SESSION=<its name>.',
    );
    return EXIT.conflict;
  },
};
