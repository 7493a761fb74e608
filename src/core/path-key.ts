/**
 * Path keys as the seed writes them: `<repo>/<path inside the repo>`, where `<repo>` is the
 * folder name of the repository's main worktree, so every worktree of a repository shares
 * claims. Outside any repository a key is the absolute path. Reads `.git` directly rather
 * than running git: the hooks resolve keys on every tool call.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { picomatch } from './glob';
import { isGlob, normalizeKey } from './overlap';

export interface RepoRoot {
  /** The worktree folder that contains the path. */
  worktree: string;
  /** Name used in keys: the main worktree's folder name. */
  name: string;
}

const repoCache = new Map<string, RepoRoot | null>();

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** The repository (worktree) a directory belongs to, or undefined outside any repository. */
export function findRepo(dir: string): RepoRoot | undefined {
  const seen: string[] = [];
  let at = dir;
  let found: RepoRoot | null = null;
  for (;;) {
    const cached = repoCache.get(at);
    if (cached !== undefined) { found = cached; break; }
    seen.push(at);
    const dotGit = path.join(at, '.git');
    let st: fs.Stats | undefined;
    try { st = fs.statSync(dotGit); } catch { st = undefined; }
    if (st?.isDirectory()) { found = { worktree: at, name: path.basename(at) }; break; }
    if (st?.isFile()) { found = { worktree: at, name: mainWorktreeName(at, dotGit) }; break; }
    const up = path.dirname(at);
    if (up === at) break;
    at = up;
  }
  for (const s of seen) repoCache.set(s, found);
  return found ?? undefined;
}

/** A linked worktree's `.git` file points into the main repository's `.git/worktrees/<n>`. */
function mainWorktreeName(worktree: string, dotGitFile: string): string {
  try {
    const m = /^gitdir:\s*(.+?)\s*$/m.exec(fs.readFileSync(dotGitFile, 'utf8'));
    if (!m) return path.basename(worktree);
    const gitdir = path.resolve(worktree, m[1]);
    let common = gitdir;
    try {
      common = path.resolve(gitdir, fs.readFileSync(path.join(gitdir, 'commondir'), 'utf8').trim());
    } catch {
      // No commondir: a submodule's own git dir; the submodule folder names the repository.
      return path.basename(worktree);
    }
    return path.basename(common) === '.git' ? path.basename(path.dirname(common)) : path.basename(common).replace(/\.git$/, '');
  } catch {
    return path.basename(worktree);
  }
}

/** Resolves symlinks on the part of the path that exists, so two spellings give one key. */
function realish(abs: string): string {
  const rest: string[] = [];
  let at = abs;
  for (;;) {
    try {
      const real = fs.realpathSync.native(at);
      return rest.length ? path.join(real, ...rest.reverse()) : real;
    } catch {
      const up = path.dirname(at);
      if (up === at) return abs;
      rest.push(path.basename(at));
      at = up;
    }
  }
}

/** The key of an absolute file-system path (which need not exist yet). */
export function pathKeyForFile(absPath: string): string {
  const abs = realish(path.resolve(absPath));
  let dir = abs;
  while (!fs.existsSync(dir)) {
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  const repo = findRepo(dir);
  if (!repo) return toPosix(abs);
  const rel = toPosix(path.relative(repo.worktree, abs));
  return rel === '' ? repo.name : `${repo.name}/${rel}`;
}

/** Is this argument meant as a file-system path rather than a key written as-is? */
export function isFileSystemArgument(arg: string, cwd: string): boolean {
  if (path.isAbsolute(arg) || arg === '.' || arg === '..' || arg.startsWith('./') || arg.startsWith('../')) return true;
  const base = isGlob(arg) ? picomatch().scan(arg).base || arg : arg;
  if (fs.existsSync(path.resolve(cwd, base))) return true;
  const first = arg.split('/')[0];
  return first !== '' && !/[*?[\]{}]/.test(first) && !first.includes(':') && fs.existsSync(path.resolve(cwd, first));
}

/**
 * What a person or a session typed → the key on the board. Existing paths, absolute paths,
 * `./x`, `../x` and paths whose first folder exists here are resolved from the file system
 * (globs keep their pattern part); anything else (`infra:homelab-prod`) is a key as written.
 */
export function resolvePathKey(arg: string, cwd: string = process.cwd()): string {
  const text = arg.trim();
  if (!isFileSystemArgument(text, cwd)) return normalizeKey(text);
  if (!isGlob(text)) return pathKeyForFile(path.resolve(cwd, text));
  const scan = picomatch().scan(text);
  const baseKey = pathKeyForFile(path.resolve(cwd, scan.base || '.'));
  return `${baseKey}/${scan.glob}`;
}
