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
import { InputError } from './errors';
import { validateLength } from './fields';

export interface RepoRoot {
  /** The worktree folder that contains the path. */
  worktree: string;
  /** Name used in keys: see `repositoryName`. */
  name: string;
}

/**
 * How a repository is named in keys. `folder` (the default, the board format's own): the main
 * worktree's folder name. `remote`: the name of its `origin` remote's repository
 * (`git@host:me/shop.git` → `shop`), the same on every machine whatever the checkout folder is
 * called, which is what a store shared between machines needs. Either way a name set in the
 * repository's git config (`git config claimboard.repo shop`) wins.
 */
export type RepoNaming = 'folder' | 'remote';

const repoCache = new Map<string, RepoRoot | null>();
let naming: RepoNaming = 'folder';

/** Chosen once at each adapter's edge (CLAIMBOARD_REPO_NAMES, or the shared store). */
export function useRepoNaming(mode: RepoNaming): void {
  if (mode === naming) return;
  naming = mode;
  repoCache.clear();
}

export function parseRepoNaming(text: string | undefined): RepoNaming {
  const t = (text ?? '').trim().toLowerCase();
  if (t === '' || t === 'folder') return 'folder';
  if (t === 'remote') return 'remote';
  throw new InputError(`CLAIMBOARD_REPO_NAMES is "${text ?? ''}": use folder (the default: the checkout's folder name) or remote (the origin remote's name)`);
}

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
    if (cached !== undefined) {
      found = cached;
      break;
    }
    seen.push(at);
    const dotGit = path.join(at, '.git');
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(dotGit);
    } catch {
      st = undefined;
    }
    if (st?.isDirectory()) {
      found = { worktree: at, name: repositoryName(dotGit, path.basename(at)) };
      break;
    }
    if (st?.isFile()) {
      const main = mainRepository(at, dotGit);
      found = { worktree: at, name: main.commonDir ? repositoryName(main.commonDir, main.name) : main.name };
      break;
    }
    const up = path.dirname(at);
    if (up === at) break;
    at = up;
  }
  for (const s of seen) repoCache.set(s, found);
  return found ?? undefined;
}

/** The name in keys for the repository whose common git folder is `commonDir` (see `RepoNaming`). */
function repositoryName(commonDir: string, folderName: string): string {
  let config: string;
  try {
    config = fs.readFileSync(path.join(commonDir, 'config'), 'utf8');
  } catch {
    return folderName;
  }
  const set = usableName(gitConfigValue(config, 'claimboard', undefined, 'repo'));
  if (set) return set;
  if (naming !== 'remote') return folderName;
  const url = gitConfigValue(config, 'remote', 'origin', 'url');
  return (
    usableName(
      url === undefined
        ? undefined
        : url
            .replace(/[/\\]+$/, '')
            .split(/[/:\\]/)
            .pop()
            ?.replace(/\.git$/i, ''),
    ) ?? folderName
  );
}

/** A name fit for a key's first segment; anything else falls back to the folder name. */
function usableName(name: string | undefined): string | undefined {
  const n = name?.trim();
  return n && /^[A-Za-z0-9._-]+$/.test(n) && n !== '.' && n !== '..' && n.length <= 255 ? n : undefined;
}

/** One value from a git config file: `[section "sub"]` then `key = value` (the last one wins, as in git). */
function gitConfigValue(config: string, section: string, subsection: string | undefined, key: string): string | undefined {
  let inside = false;
  let value: string | undefined;
  for (const raw of config.split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]/.exec(line);
    if (header) {
      inside = (header[1] ?? '').toLowerCase() === section && (header[2] ?? undefined) === subsection;
      continue;
    }
    if (!inside) continue;
    const kv = /^([A-Za-z][A-Za-z0-9-]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (kv && (kv[1] ?? '').toLowerCase() === key) value = (kv[2] ?? '').replace(/^"(.*)"$/, '$1');
  }
  return value;
}

/** A linked worktree's `.git` file points into the main repository's `.git/worktrees/<n>`. */
function mainRepository(worktree: string, dotGitFile: string): { name: string; commonDir?: string } {
  try {
    const m = /^gitdir:\s*(.+?)\s*$/m.exec(fs.readFileSync(dotGitFile, 'utf8'));
    if (!m?.[1]) return { name: path.basename(worktree) };
    const gitdir = path.resolve(worktree, m[1]);
    let common = gitdir;
    try {
      common = path.resolve(gitdir, fs.readFileSync(path.join(gitdir, 'commondir'), 'utf8').trim());
    } catch {
      // No commondir: a submodule's own git dir; the submodule folder names the repository.
      return { name: path.basename(worktree), commonDir: gitdir };
    }
    const name = path.basename(common) === '.git' ? path.basename(path.dirname(common)) : path.basename(common).replace(/\.git$/, '');
    return { name, commonDir: common };
  } catch {
    return { name: path.basename(worktree) };
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

/**
 * The key of an absolute file-system path (which need not exist yet), and the repository it is
 * in. Symlinks are resolved first, so a checkout opened through a link (`~/code -> /data/code`)
 * gives the same keys as the real folder: every adapter, the editor included, keys files here.
 */
export function fileKeyAndRepo(absPath: string): { key: string; repo?: RepoRoot } {
  const abs = realish(path.resolve(absPath));
  let dir = abs;
  while (!fs.existsSync(dir)) {
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  const repo = findRepo(dir);
  if (!repo) return { key: toPosix(abs) };
  const rel = toPosix(path.relative(repo.worktree, abs));
  return { key: rel === '' ? repo.name : `${repo.name}/${rel}`, repo };
}

/** The key of an absolute file-system path (which need not exist yet). */
export function pathKeyForFile(absPath: string): string {
  return fileKeyAndRepo(absPath).key;
}

/** Is this argument meant as a file-system path rather than a key written as-is? */
export function isFileSystemArgument(arg: string, cwd: string): boolean {
  if (path.isAbsolute(arg) || arg === '.' || arg === '..' || arg.startsWith('./') || arg.startsWith('../')) return true;
  const base = isGlob(arg) ? picomatch().scan(arg).base || arg : arg;
  if (fs.existsSync(path.resolve(cwd, base))) return true;
  const [first = ''] = arg.split('/');
  return first !== '' && !/[*?[\]{}]/.test(first) && !first.includes(':') && fs.existsSync(path.resolve(cwd, first));
}

export interface ResolvedKey {
  key: string;
  /** Said to the person when the key may not be what they meant (it names no repository). */
  warning?: string;
  /** The argument names an existing file here (not a folder, not a pattern). */
  file?: boolean;
}

/** Does a folder next to this repository's worktree hold a repository of that name? */
function isSiblingRepository(repo: RepoRoot, name: string): boolean {
  if (name === '' || name === '.' || name === '..') return false;
  return fs.existsSync(path.join(path.dirname(repo.worktree), name, '.git'));
}

/**
 * What a person or a session typed → the key on the board. Existing paths, absolute paths,
 * `./x`, `../x` and paths whose first folder exists here are resolved from the file system
 * (globs keep their pattern part); so is a file not created yet inside a repository
 * (`newfile.ts` → `repo/newfile.ts`). Anything else (`infra:homelab-prod`, `other-repo/src/a.ts`,
 * the board's own form) is a key as written, with a warning when it may not be what was meant.
 */
export function resolvePathKeyWithWarning(arg: string, cwd: string = process.cwd()): ResolvedKey {
  const text = arg.trim();
  if (text === '') throw new InputError('path is empty (an unset variable?): give a file, folder, pattern or infra:name');
  const long = validateLength('path', text);
  if (long) throw new InputError(long);
  const [first = ''] = text.split('/');
  if (first.includes(':')) return { key: normalizeKey(text) };
  if (!isFileSystemArgument(text, cwd)) {
    const key = normalizeKey(text);
    const repo = findRepo(realish(path.resolve(cwd)));
    const single = !key.includes('/');
    if (!repo) {
      return single ? { key, warning: `${key} is not a path here and has no repository prefix: claimed as the key "${key}" (give <repo>/<path>, or run from inside the repository)` } : { key };
    }
    const named = first.toLowerCase() === repo.name.toLowerCase() || isSiblingRepository(repo, first);
    if (named) return { key };
    if (!single) {
      return { key, warning: `no folder ${first}/ here and no repository ${first} beside ${repo.name}: claimed as the key "${key}" as written (for a new folder in ${repo.name}, give ./${text})` };
    }
    // A file not created yet, here in this repository: resolved below like any path.
  }
  if (!isGlob(text)) {
    const abs = path.resolve(cwd, text);
    let file = false;
    try {
      file = fs.statSync(abs).isFile();
    } catch {
      /* not created yet: may become a folder */
    }
    return { key: pathKeyForFile(abs), file };
  }
  const scan = picomatch().scan(text);
  const baseKey = pathKeyForFile(path.resolve(cwd, scan.base || '.'));
  return { key: `${baseKey}/${scan.glob}` };
}

export function resolvePathKey(arg: string, cwd: string = process.cwd()): string {
  return resolvePathKeyWithWarning(arg, cwd).key;
}

/**
 * A form of a key that `resolvePathKey` reads back as that same key from any folder: the file's
 * absolute path when the key is a file in a repository on this machine (`pyproj/pyproj/core.py`
 * typed inside `pyproj` would be read as a path there), the key itself otherwise.
 */
export function argumentForKey(key: string, absPath?: string): string {
  if (absPath && path.isAbsolute(absPath) && pathKeyForFile(absPath) === key) return absPath;
  return key;
}

/** Splits on `, ` outside braces: `a.ts, b.ts` is a list, `{a,b}.ts` is one pattern. */
function splitList(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}' && depth > 0) depth--;
    else if (c === ',' && depth === 0 && /\s/.test(text[i + 1] ?? '')) {
      out.push(text.slice(from, i));
      from = i + 1;
    }
  }
  out.push(text.slice(from));
  return out.map((x) => x.trim());
}

/**
 * The key a hand-written claim line means. People write paths as they would in a message:
 * in backticks (as the channel posts them), as a list (`a.ts, b.ts`, held as `{a.ts,b.ts}`),
 * with `./`, as an absolute path on this machine, or with a remark in parentheses
 * (`app/src/a.ts (main file)`). What cannot be read so is a problem for its line.
 */
export function readClaimPath(written: string): { path: string; problem?: undefined } | { path?: undefined; problem: string } {
  let text = written.trim();
  // A remark after the path; `@(a|b)` and `?(x)` patterns have no space before their parenthesis.
  text = text.replace(/\s+\([^()]*\)$/, '');
  const items: string[] = [];
  for (let item of splitList(text)) {
    if (/^`[^`]+`$/.test(item)) item = item.slice(1, -1).trim();
    while (item.startsWith('./')) item = item.slice(2);
    if (item === '' || item === '.') return { problem: `claim path "${written}" names no path` };
    if (item.includes('`')) return { problem: `claim path "${written}": unmatched backtick` };
    if (path.isAbsolute(item)) {
      if (!isGlob(item)) item = pathKeyForFile(item);
      else {
        const scan = picomatch().scan(item);
        item = `${pathKeyForFile(scan.base || '/')}/${scan.glob}`;
      }
    }
    items.push(normalizeKey(item));
  }
  const [only] = items;
  if (only !== undefined && items.length === 1) return { path: only };
  return { path: `{${items.join(',')}}` };
}
