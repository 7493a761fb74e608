/**
 * The git pre-commit hook `claimboard install-git-hook` writes. It is plain sh so it runs in
 * every git client; it chains to the hook that was there before (moved aside, never deleted)
 * and then asks `claimboard guard` whether the staged paths are held by someone else.
 */

import * as path from 'node:path';
import { pathKeyForFile } from '../core/path-key';
import { shellWord } from '../core/shell-word';
import { must } from '../core/errors';

/** The board keys of staged files (paths relative to the worktree root, as git prints them): the core's key function. */
export function stagedKeys(root: string, files: readonly string[]): string[] {
  return files.map((f) => pathKeyForFile(path.join(root, f)));
}

/** First line after the shebang: how install and uninstall recognise a hook they wrote. */
export const PRE_COMMIT_MARKER = '# claimboard pre-commit guard (installed by `claimboard install-git-hook`)';
/** Where the previous pre-commit hook is kept, beside ours, and run first. */
export const CHAINED_HOOK_NAME = 'pre-commit.claimboard-chained';

/**
 * @param cliArgv how to run the CLI, e.g. `['/usr/bin/node', '/opt/claimboard/dist/cli.js']` or `['claimboard']`
 * @param board the board given at install time; without it the guard uses the default or $CLAIMBOARD_BOARD
 */
export function preCommitHookText(cliArgv: string[], board?: string): string {
  const cli = cliArgv.map(shellWord).join(' ');
  const script = cliArgv.length > 1 ? cliArgv[cliArgv.length - 1] : '';
  return [
    '#!/bin/sh',
    PRE_COMMIT_MARKER,
    '# The hook that was here before runs first; if it refuses the commit, so do we.',
    `chained="$(dirname "$0")/${CHAINED_HOOK_NAME}"`,
    'if [ -x "$chained" ]; then "$chained" "$@" || exit $?; fi',
    // A removed or moved claimboard must not make every commit fail: say so and let it through.
    script
      ? `if [ ! -e ${shellWord(script)} ]; then echo "claimboard: ${script.replace(/["`$\\]/g, '')} is gone; commit not checked against the board (run claimboard install-git-hook again)" >&2; exit 0; fi`
      : `if ! command -v ${shellWord(must(cliArgv[0], 'the CLI command'))} >/dev/null 2>&1; then echo "claimboard: not on PATH; commit not checked against the board" >&2; exit 0; fi`,
    `exec ${cli} guard${board ? ` --board ${shellWord(board)}` : ''}`,
    '',
  ].join('\n');
}
