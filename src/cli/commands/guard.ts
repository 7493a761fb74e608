import { spawnSync } from 'node:child_process';
import type { Command } from '../command';
import { EXIT } from '../cli-context';
import { describeConflict } from '../format';
import { InputError } from '../../core/errors';
import { stagedKeys } from '../../git/pre-commit';

export const guard: Command = {
  name: 'guard',
  usage: 'guard',
  summary: 'pre-commit check: refuse when a staged path is held by another session (exit 3)',
  examples: ['guard'],
  run(ctx, { positionals }) {
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
    const me = ctx.identity();
    const conflicts = ctx.service().check(me, keys, 'exclusive', { files: keys });
    if (conflicts.length === 0) return EXIT.ok;
    const now = new Date();
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
