/**
 * Installing the pre-commit guard into a repository. Hooks live in the repository's common git
 * directory (or `core.hooksPath`), which every worktree shares: `git rev-parse --git-path hooks`
 * answers that from any worktree, so one install guards them all.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHAINED_HOOK_NAME, PRE_COMMIT_MARKER, preCommitHookText } from './pre-commit';
import { must } from '../core/errors';

export interface GitHookInstallResult {
  hookPath: string;
  action: 'installed' | 'updated' | 'unchanged';
  /** The previous pre-commit hook, moved aside and run first by ours. */
  chained?: string;
}

/** The hooks directory git uses for the repository containing `cwd`; throws a one-line error outside a repository. */
function gitHooksDir(cwd: string): string {
  let out: string;
  try {
    out = execFileSync('git', ['rev-parse', '--path-format=absolute', '--git-path', 'hooks'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string; status?: number | null };
    if (err.code === 'ENOENT' && err.status == null) throw new Error('git is not installed (no `git` on PATH): install git first');
    const said = must(
      String(err.stderr ?? '')
        .trim()
        .split('\n')[0],
      'first line of git stderr',
    );
    if (/not a git repository/i.test(said)) throw new Error(`${cwd} is not inside a git repository`);
    throw new Error(`git rev-parse failed in ${cwd}: ${said || err.message.split('\n')[0]}`);
  }
  return out.trim();
}

export function installPreCommitHook(cwd: string, cliArgv: string[], board?: string): GitHookInstallResult {
  const dir = gitHooksDir(cwd);
  fs.mkdirSync(dir, { recursive: true });
  const hookPath = path.join(dir, 'pre-commit');
  const text = preCommitHookText(cliArgv, board);
  let current: string | undefined;
  try {
    current = fs.readFileSync(hookPath, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Only a missing hook is "no hook". One we may not read is someone else's: chain it, never
    // overwrite it. Anything else (a folder, an I/O error) stops the install.
    if (code === 'EACCES' || code === 'EPERM') current = '';
    else if (code !== 'ENOENT') throw new Error(`cannot read the existing hook ${hookPath}: ${(e as Error).message}; nothing changed`);
    else current = undefined;
  }
  const chainedPath = path.join(dir, CHAINED_HOOK_NAME);
  let chained: string | undefined = fs.existsSync(chainedPath) ? chainedPath : undefined;
  if (current !== undefined && !current.includes(PRE_COMMIT_MARKER)) {
    // Someone else's hook: keep it, run it first. Never overwrite an earlier chained hook.
    if (chained) throw new Error(`both ${hookPath} and ${chainedPath} exist and neither is claimboard's: merge them by hand, then run install-git-hook again`);
    fs.renameSync(hookPath, chainedPath);
    chained = chainedPath;
    current = undefined;
  }
  if (current === text) {
    fs.chmodSync(hookPath, 0o755);
    return { hookPath, action: 'unchanged', chained };
  }
  fs.writeFileSync(hookPath + '.tmp', text, { mode: 0o755 });
  fs.renameSync(hookPath + '.tmp', hookPath);
  fs.chmodSync(hookPath, 0o755);
  return { hookPath, action: current === undefined ? 'installed' : 'updated', chained };
}

/** Removes our pre-commit hook and puts the chained one back; `false` when ours was not installed. */
export function uninstallPreCommitHook(cwd: string): boolean {
  const dir = gitHooksDir(cwd);
  const hookPath = path.join(dir, 'pre-commit');
  let current: string;
  try {
    current = fs.readFileSync(hookPath, 'utf8');
  } catch {
    return false;
  }
  if (!current.includes(PRE_COMMIT_MARKER)) return false;
  const chainedPath = path.join(dir, CHAINED_HOOK_NAME);
  if (fs.existsSync(chainedPath)) fs.renameSync(chainedPath, hookPath);
  else fs.unlinkSync(hookPath);
  return true;
}
